"""Resources of the cookie location, chosen in one place from the deployment (local or prod)."""

from typing import Any

from cookie_assets.compute import training_compute
from cookie_assets.contract import BOX_COLUMNS
from cookie_assets.landing import landing_zone
from cookie_assets.location import LOCATION, SCHEMA
from cookie_assets.registry import model_store
from mlops_common.alerting import alert_sink
from mlops_common.column_names import ColumnNames
from mlops_common.storage import table_io_manager


def resources() -> dict[str, Any]:
    return {
        # Lower-case column names, except the cookie types' box counts (`Läckerli_boxes`).
        "io_manager": table_io_manager(SCHEMA, ColumnNames(lower_case=True, spellings=BOX_COLUMNS)),
        "landing": landing_zone(),
        "compute": training_compute(),
        "model_store": model_store(),
        "alerts": alert_sink(LOCATION),
    }
