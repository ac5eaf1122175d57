"""The whole Snowpatrol graph materialised on the local defaults (DuckDB, simulated account), as
`make run` does: the one test of this location that needs every asset, the instance and storage
together. What each asset decides is tested on small frames in test_*_asset(s).py."""

from pathlib import Path

import pytest
from dagster import DagsterInstance, materialize

from mlops_common.alerting import LocalOutboxAlerts
from snowpatrol_assets.definitions import ASSETS
from snowpatrol_assets.demo import materialize_local_demo
from snowpatrol_assets.partitions import usage_days, warehouses
from snowpatrol_assets.resources import build_resources
from tests.alert_support import Ticks, delivery_sensor
from tests.local_tables import local_rows

DAYS = [d for d in usage_days.get_partition_keys() if "2026-05-01" <= d <= "2026-09-30"]
DROPPED = "ACME_PROD/114"  # LEGACY_REPORTING_WH


@pytest.mark.slow
def test_the_local_pipeline_reports_injected_anomalies_and_alerts_each_once(local_dagster_home):
    instance = DagsterInstance.ephemeral()
    summary = materialize_local_demo(instance, days=DAYS)

    report_path = Path(summary[1].removeprefix("Report: "))
    report = report_path.read_text()
    assert "| Account | Warehouse | Day | Credits | Expected | Excess | Excess cost |" in report
    assert "ACME_PROD / LEGACY_REPORTING_WH: dropped, no usage since 2026-08-16" in report
    assert report_path.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    found = [line for line in summary[2:] if "(injected" in line]
    assert len(found) >= 5
    assert len(found) >= 0.6 * len(summary[2:])  # most alerts are real anomalies

    keys = set(instance.get_dynamic_partitions(warehouses.name))
    assert DROPPED not in keys  # silent for 30+ days: reported, never given a model
    scored = local_rows(
        "snowpatrol", "select distinct WAREHOUSE_KEY from snowpatrol.warehouse_anomaly_scores"
    )
    assert {r[0] for r in scored} == keys
    twice = local_rows(
        "snowpatrol",
        "select WAREHOUSE_KEY, USAGE_DATE from snowpatrol.warehouse_anomaly_scores "
        "group by all having count(*) > 1",
    )
    assert twice == []

    outbox = local_dagster_home / "outbox"
    ticks = Ticks(delivery_sensor("snowpatrol"), instance, LocalOutboxAlerts(outbox=str(outbox)))
    ticks.tick()
    [sent] = list(outbox.glob("*.md"))
    assert "new Snowflake usage anomalies" in sent.read_text()
    materialize(
        ASSETS, selection=["anomaly_report"], instance=instance, resources=build_resources()
    )
    ticks.tick()  # the rebuilt report names the same anomalies: no second alert
    assert list(outbox.glob("*.md")) == [sent]
