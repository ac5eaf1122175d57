"""What Snowpatrol alerts: each new anomaly of the daily report, failed runs and failed checks."""

from dagster import AssetCheckKey, AssetKey, DagsterInstance

from mlops_common.alert_delivery import (
    AlertSource,
    IsNew,
    failed_check_alerts,
    failed_run_alerts,
)
from mlops_common.alerting import Alert
from snowpatrol_assets.checks import COMPLETE_HISTORY, UNIQUE_DAY
from snowpatrol_assets.reporting.markdown import anomaly_table
from snowpatrol_assets.resources import LOCATION

REPORT_KEY = AssetKey("anomaly_report")


def report_anomaly_alerts(instance: DagsterInstance, is_new: IsNew) -> list[Alert]:
    """One alert with the anomalies of the latest report that were not alerted before."""
    event = instance.get_latest_materialization_event(REPORT_KEY)
    if event is None:
        return []
    metadata = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    new = [a for a in metadata.get("anomalies", []) if is_new(a["id"])]
    if not new:
        return []
    excess = sum(a["excess"] for a in new)
    return [
        Alert(
            tuple(a["id"] for a in new),
            f"Snowpatrol: {len(new)} new Snowflake usage anomalies",
            f"**{excess:.1f} credits** above expected in the report of "
            f"{metadata['report_day']}.\n\n{anomaly_table(new)}\n\n"
            f"Full report: `{metadata['report_path']}`",
        )
    ]


ALERT_SOURCES: list[AlertSource] = [
    report_anomaly_alerts,
    failed_run_alerts(LOCATION),
    failed_check_alerts(
        [
            AssetCheckKey(AssetKey("warehouse_daily_usage"), name)
            for name in (COMPLETE_HISTORY, UNIQUE_DAY)
        ],
        lambda subject: f"snowpatrol: usage history of {subject} failed its checks",
    ),
]
