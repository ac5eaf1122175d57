"""The whole Snowpatrol graph materialised on the local defaults (DuckDB, simulated account), as
`make run` does: the one test of this location that needs every asset, the instance and storage
together. What each asset decides is tested on small frames in test_*_asset(s).py."""

from pathlib import Path

import pytest
from dagster import AssetCheckKey, AssetKey, DagsterInstance, materialize

from mlops_common.alerting import LocalOutboxAlerts
from snowpatrol_assets.assets.models import ANOMALY_RATE_CHECK
from snowpatrol_assets.definitions import ASSETS
from snowpatrol_assets.demo import materialize_local_demo, materialize_next_day
from snowpatrol_assets.partitions import usage_days, warehouses
from snowpatrol_assets.resources import build_resources
from tests.alert_support import Ticks, delivery_sensor
from tests.local_tables import local_rows

DAYS = [d for d in usage_days.get_partition_keys() if "2026-05-01" <= d <= "2026-09-30"]
TRAINING_RATE = AssetCheckKey(AssetKey("warehouse_anomaly_models"), ANOMALY_RATE_CHECK)
DROPPED = "ACME_PROD/114"  # LEGACY_REPORTING_WH
NEW = "ACME_PROD/108"  # EMBEDDED_ANALYTICS_WH, created 2026-03-02


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
    [rate_check] = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [TRAINING_RATE]
    ).values()  # the days fresh models flag in their history are the injected anomalies
    assert rate_check.evaluation.passed, rate_check.evaluation.metadata
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


@pytest.mark.slow
def test_the_next_morning_scores_the_new_day_and_trains_only_what_the_sensor_requests(
    local_dagster_home,
):
    instance = DagsterInstance.ephemeral()
    winter = [d for d in usage_days.get_partition_keys() if "2026-01-01" <= d <= "2026-03-14"]
    materialize_local_demo(instance, days=winter)  # EMBEDDED_ANALYTICS_WH: 13 days, too short
    models_before = _model_storage_ids(instance)
    next_day = "2026-03-15"

    trained = materialize_next_day(instance, next_day)

    models_after = _model_storage_ids(instance)
    retrained = {key for key in models_after if models_after[key] != models_before.get(key)}
    assert NEW in trained  # two weeks of history now: the sensor asks for its first model
    assert retrained == set(trained)  # exactly what the sensor requested, nothing else
    assert len(trained) < len(models_before)
    scored = local_rows(
        "snowpatrol",
        "select count(distinct WAREHOUSE_KEY), count(*) - count(distinct (WAREHOUSE_KEY, "
        f"USAGE_DATE)) from snowpatrol.warehouse_anomaly_scores where USAGE_DATE = '{next_day}'",
    )
    assert scored == [(len(models_after), 0)]  # every modelled warehouse scored once that day


def _model_storage_ids(instance) -> dict[str, int]:
    from dagster import AssetKey, DagsterEventType

    return instance.get_latest_storage_id_by_partition(
        AssetKey("warehouse_anomaly_models"), DagsterEventType.ASSET_MATERIALIZATION
    )
