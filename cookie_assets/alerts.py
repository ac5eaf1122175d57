"""What the cookie shop alerts: bad landing files (once per file version), a refused champion,
and failed runs."""

from dagster import AssetCheckKey

from cookie_assets.checks import (
    CHAMPION_GATE,
    FEATURE_DRIFT,
    PREDICTION_DRIFT,
    REALISED_MAE_WITHIN_CV,
)
from cookie_assets.keys import (
    CHAMPION_MODEL,
    NEW_CUSTOMERS,
    ORDERS,
    PREDICTIONS,
    REALISED_ACCURACY,
    TRIAL_CUSTOMERS,
)
from cookie_assets.location import LOCATION
from cookie_assets.validation import CUSTOMER_CHECKS, ORDER_CHECKS
from mlops_common.alert_delivery import AlertSource, failed_check_alerts, failed_run_alerts

FILE_CHECKS = [
    *(
        AssetCheckKey(asset, name)
        for asset in (TRIAL_CUSTOMERS, NEW_CUSTOMERS)
        for name in CUSTOMER_CHECKS
    ),
    *(AssetCheckKey(ORDERS, name) for name in ORDER_CHECKS),
]

ALERT_SOURCES: list[AlertSource] = [
    failed_check_alerts(
        FILE_CHECKS, lambda file: f"cookie: bad landing file {file.rsplit('/', 1)[-1]}"
    ),
    failed_check_alerts(
        [AssetCheckKey(CHAMPION_MODEL, CHAMPION_GATE)],
        lambda subject: "cookie: a new champion was refused",
    ),
    failed_check_alerts(
        [
            AssetCheckKey(NEW_CUSTOMERS, FEATURE_DRIFT),
            AssetCheckKey(PREDICTIONS, PREDICTION_DRIFT),
            AssetCheckKey(REALISED_ACCURACY, REALISED_MAE_WITHIN_CV),
        ],
        lambda subject: f"cookie: {subject.removeprefix('cookie/')} drifted from what the "
        "models learnt",
    ),
    failed_run_alerts(LOCATION),
]
