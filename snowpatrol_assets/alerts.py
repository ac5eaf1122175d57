"""What Snowpatrol alerts: each new anomaly of the daily report, failed runs and failed checks."""

from dagster import AssetCheckKey, AssetKey, DagsterInstance

from mlops_common.alert_delivery import (
    AlertSource,
    IsNew,
    failed_check_alerts,
    failed_run_alerts,
)
from mlops_common.alerting import Alert
from mlops_common.markdown import md_cell
from snowpatrol_assets.checks import COMPLETE_HISTORY, UNIQUE_DAY
from snowpatrol_assets.reporting.markdown import (
    anomaly_table,
    contributor_lines,
    cost_phrase,
    money,
)
from snowpatrol_assets.resources import LOCATION

REPORT_KEY = AssetKey("anomaly_report")
OUTLOOK_KEY = AssetKey("month_end_outlook")
REPORT_UI_PATH = "/assets/anomaly_report"
OUTLOOK_UI_PATH = "/assets/month_end_outlook"
ALERT_EXPLAINED = 5
"""An alert explains its five costliest anomalies (the table lists them all)."""


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
    costliest = sorted(new, key=lambda a: -a["excess_cost"])[:ALERT_EXPLAINED]
    explained = [
        "\n".join(
            [
                f"*{md_cell(a['account'])} / {md_cell(a['warehouse'])}, {a['day']}* "
                f"({money(a['excess_cost'], md_cell(a['currency']))})",
                *contributor_lines(a),
            ]
        )
        for a in costliest
    ]
    link = metadata.get("report_link")
    return [
        Alert(
            tuple(a["id"] for a in new),
            f"Snowpatrol: {len(new)} new Snowflake usage anomalies",
            f"**{excess:,.1f} credits** above expected{cost_phrase(new)} in the report of "
            f"{metadata['report_day']}.\n\n{anomaly_table(new)}\n\n"
            + "\n\n".join(explained)
            + f"\n\nReport: `{md_cell(metadata['report_path'])}`",
            ui_path=REPORT_UI_PATH,
            report_link=link if isinstance(link, str) and link.startswith("https://") else None,
        )
    ]


def budget_alerts(instance: DagsterInstance, is_new: IsNew) -> list[Alert]:
    """One alert per warehouse or account whose month-end forecast crosses its budget, once a
    month (its id carries the month)."""
    event = instance.get_latest_materialization_event(OUTLOOK_KEY)
    if event is None:
        return []
    over = event.asset_materialization.metadata["over_budget"].value
    return [
        Alert(
            (entry["id"],),
            f"Snowpatrol: {entry['scope']} is {entry['status'].replace('_', ' ')} its budget",
            f"Month-end forecast **{entry['forecast_credits']:,.1f} credits** "
            f"({money(entry['forecast_cost'], md_cell(entry['currency']))}) against a budget of "
            f"{entry['budget_credits']:,.1f} credits.",
            ui_path=OUTLOOK_UI_PATH,
        )
        for entry in over
        if is_new(entry["id"])
    ]


ALERT_SOURCES: list[AlertSource] = [
    report_anomaly_alerts,
    budget_alerts,
    failed_run_alerts(LOCATION),
    failed_check_alerts(
        [
            AssetCheckKey(AssetKey("warehouse_daily_usage"), name)
            for name in (COMPLETE_HISTORY, UNIQUE_DAY)
        ],
        lambda subject: f"snowpatrol: usage history of {subject} failed its checks",
    ),
]
