"""`anomaly_report` called on a small fleet in memory: what a FinOps reader sees, and a labelled
anomaly never reaching them again."""

import json

import pandas as pd
import pytest
from dagster import AssetMaterialization, DagsterInstance, build_asset_context

from mlops_common.alerting import LocalOutboxAlerts
from mlops_common.report_store import LocalReportStore
from snowpatrol_assets.assets.report import ReportConfig, anomaly_report
from snowpatrol_assets.assets.scoring import (
    ScoringConfig,
    usage_anomalies,
    warehouse_anomaly_scores,
)
from snowpatrol_assets.feedback import LocalAnomalyFeedback
from snowpatrol_assets.feedback_job import record_anomaly_feedback
from snowpatrol_assets.pricing import CreditPrice
from tests.alert_support import Ticks, delivery_sensor
from tests.snowpatrol.small_fleet import SPIKE_DAY, SPIKED

SPIKE_ID = f"{SPIKED}@{SPIKE_DAY:%Y-%m-%d}"
ESCAPED_NAME = "ETL \\| NIGHTLY WH"  # `ETL | NIGHTLY\nWH` kept in one table cell


@pytest.fixture
def feedback(tmp_path) -> LocalAnomalyFeedback:
    return LocalAnomalyFeedback(database=str(tmp_path / "feedback.duckdb"))


@pytest.fixture
def scores(fleet_usage, trained) -> pd.DataFrame:
    store, models = trained
    return warehouse_anomaly_scores(
        build_asset_context(),
        config=ScoringConfig(),
        warehouse_daily_usage=fleet_usage,
        warehouse_anomaly_models=models,
        model_store=store,
        credit_price=CreditPrice(price_per_credit=2.5, currency="CHF"),
    ).value


def report(usage, scores, feedback, folder, lookback_days=30):
    """The report's output, built from the anomalies left after feedback."""
    anomalies = usage_anomalies(
        build_asset_context(), warehouse_anomaly_scores=scores, anomaly_feedback=feedback
    ).value
    return anomaly_report(
        build_asset_context(),
        config=ReportConfig(lookback_days=lookback_days),
        usage_anomalies=anomalies,
        warehouse_anomaly_scores=scores,
        warehouse_daily_usage=usage,
        anomaly_contributors=pd.DataFrame(),
        month_end_outlook=pd.DataFrame(),
        report_store=LocalReportStore(folder=str(folder)),
    )


def test_the_report_names_the_spike_with_its_escaped_name_and_the_unscored_warehouses(
    fleet_usage, scores, feedback, tmp_path
):
    output = report(fleet_usage, scores, feedback, tmp_path / "reports")

    markdown = output.metadata["report"].value
    header = next(line for line in markdown.splitlines() if line.startswith("| Account"))
    spike_row = f"| ACME_PROD | {ESCAPED_NAME} | 2026-09-03 |"
    [row] = [line for line in markdown.splitlines() if line.startswith(spike_row)]
    assert row.endswith(" CHF |")
    unescaped = row.replace("\\|", "")
    assert unescaped.count("|") == header.count("|")  # the name stays in its cell
    assert "ACME_PROD / LEGACY_REPORTING_WH: dropped, no usage since 2026-08-16" in markdown
    assert "ACME_DEV / BRAND_NEW_WH: only 7 days of history" in markdown
    assert SPIKE_ID in {a["id"] for a in output.metadata["anomalies"].value}
    stored = tmp_path / "reports" / "anomaly_report_2026-09-30.md"
    assert output.metadata["report_path"].value == str(stored)
    assert stored.read_text().startswith(markdown)
    assert stored.with_suffix(".png").read_bytes().startswith(b"\x89PNG")


def test_the_report_covers_only_its_lookback_window(fleet_usage, scores, feedback, tmp_path):
    output = report(fleet_usage, scores, feedback, tmp_path, lookback_days=20)

    days = {a["day"] for a in output.metadata["anomalies"].value}
    assert days and min(days) >= "2026-09-11"  # the spike of 2026-09-03 is older
    assert (output.value["USAGE_DATE"] >= pd.Timestamp("2026-09-11")).all()
    assert output.metadata["anomaly_count"].value == len(output.value)


def test_a_labelled_anomaly_leaves_the_report_and_is_never_alerted(
    fleet_usage, scores, feedback, tmp_path
):
    before = report(fleet_usage, scores, feedback, tmp_path / "reports")
    assert SPIKE_ID in {a["id"] for a in before.metadata["anomalies"].value}
    labelled = record_anomaly_feedback.execute_in_process(
        run_config={
            "ops": {
                "record_feedback": {
                    "config": {
                        "warehouse_key": SPIKED,
                        "label": "false_alarm",
                        "first_day": f"{SPIKE_DAY:%Y-%m-%d}",
                    }
                }
            }
        },
        resources={"anomaly_feedback": feedback},
    )
    assert labelled.success

    after = report(fleet_usage, scores, feedback, tmp_path / "reports")

    ids = {a["id"] for a in after.metadata["anomalies"].value}
    assert ids == {a["id"] for a in before.metadata["anomalies"].value} - {SPIKE_ID}
    instance = DagsterInstance.ephemeral()
    event = AssetMaterialization("anomaly_report", metadata=after.metadata)
    instance.report_runless_asset_event(event)
    outbox = tmp_path / "outbox"
    Ticks(delivery_sensor("snowpatrol"), instance, LocalOutboxAlerts(outbox=str(outbox))).tick()
    [alert] = list(outbox.glob("*.md"))
    manifest = alert.read_text().split(" -->", 1)[0].removeprefix("<!-- alert-ids: ")
    assert set(json.loads(manifest)) == ids
