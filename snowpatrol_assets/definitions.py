"""The Snowpatrol code location: Snowflake usage anomaly detection."""

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    Definitions,
    definitions,
)

from mlops_common.alert_delivery import build_alert_delivery_sensor
from mlops_common.environment import current_deployment
from mlops_common.resource_sets import with_added_kinds
from snowpatrol_assets.alerts import ALERT_SOURCES
from snowpatrol_assets.assets.evaluation import detector_evaluation
from snowpatrol_assets.assets.explanation import anomaly_contributors, month_end_outlook
from snowpatrol_assets.assets.features import warehouse_usage_features
from snowpatrol_assets.assets.ingest import warehouse_daily_usage, warehouse_metering
from snowpatrol_assets.assets.models import warehouse_anomaly_models
from snowpatrol_assets.assets.report import anomaly_report
from snowpatrol_assets.assets.scoring import usage_anomalies, warehouse_anomaly_scores
from snowpatrol_assets.feedback_job import record_anomaly_feedback
from snowpatrol_assets.jobs import refresh_metering, train_warehouse_models
from snowpatrol_assets.resources import LOCATION, added_kinds, build_resources
from snowpatrol_assets.schedules import daily_metering_refresh
from snowpatrol_assets.sensors import retrain_on_drift, warehouse_partition_sync

ASSETS = [
    warehouse_metering,
    warehouse_daily_usage,
    warehouse_usage_features,
    detector_evaluation,
    warehouse_anomaly_models,
    warehouse_anomaly_scores,
    usage_anomalies,
    anomaly_contributors,
    month_end_outlook,
    anomaly_report,
]

automation = AutomationConditionSensorDefinition(
    "snowpatrol_automation",
    target=AssetSelection.assets(*ASSETS),
    default_status=DefaultSensorStatus.RUNNING,
    description="Keeps usage, features, scores and the report up to date as new data and "
    "models arrive.",
)


@definitions
def defs() -> Definitions:
    """The location on the deployment DAGSTER_DEPLOYMENT names, decided here once when the
    definitions load: its resources, and the storage kinds the UI shows on its assets."""
    deployment = current_deployment()
    return Definitions(
        assets=with_added_kinds(ASSETS, added_kinds(deployment)),
        jobs=[refresh_metering, train_warehouse_models, record_anomaly_feedback],
        schedules=[daily_metering_refresh],
        sensors=[
            automation,
            warehouse_partition_sync,
            retrain_on_drift,
            build_alert_delivery_sensor(LOCATION, ALERT_SOURCES),
        ],
        resources=build_resources(deployment),
    )
