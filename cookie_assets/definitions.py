"""The `cookie` code location: cookie-shop demand models, local by default, Snowflake in prod."""

import dagster as dg

from cookie_assets.alerts import ALERT_SOURCES
from cookie_assets.assets import models, monitoring, predictions, raw, training
from cookie_assets.keys import PREFIX
from cookie_assets.location import LOCATION
from cookie_assets.resources import added_kinds, build_resources
from cookie_assets.sensors import (
    cookie_automation_sensor,
    cookie_landing_sensor,
    cookie_new_customers_sensor,
    cookie_retrain_sensor,
    retrain_job,
)
from mlops_common.alert_delivery import build_alert_delivery_sensor
from mlops_common.environment import current_deployment
from mlops_common.resource_sets import with_added_kinds

ASSETS = [
    *dg.load_assets_from_modules(
        [raw, training, models, predictions, monitoring], key_prefix=PREFIX
    ),
    *dg.load_asset_checks_from_modules([monitoring]),
]


@dg.definitions
def defs() -> dg.Definitions:
    """The location on the deployment DAGSTER_DEPLOYMENT names, decided here once when the
    definitions load: its resources, and the storage kinds the UI shows on its assets."""
    deployment = current_deployment()
    return dg.Definitions(
        assets=with_added_kinds(ASSETS, added_kinds(deployment)),
        jobs=[retrain_job],
        sensors=[
            cookie_landing_sensor,
            cookie_new_customers_sensor,
            cookie_retrain_sensor,
            cookie_automation_sensor,
            build_alert_delivery_sensor(LOCATION, ALERT_SOURCES),
        ],
        resources=build_resources(deployment),
    )
