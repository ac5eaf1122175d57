"""The whole Snowpatrol graph materialised on the local defaults (DuckDB, simulated account)."""

from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, RunConfig, materialize

from mlops_common.alerting import LocalOutboxAlerts
from mlops_common.environment import local_data_dir
from snowpatrol_assets.assets.models import DetectorConfig
from snowpatrol_assets.definitions import ASSETS
from snowpatrol_assets.demo import materialize_local_demo
from snowpatrol_assets.partitions import usage_days, warehouses
from snowpatrol_assets.resources import build_resources
from tests.alert_support import Ticks, delivery_sensor

DAYS = [d for d in usage_days.get_partition_keys() if "2026-05-01" <= d <= "2026-09-30"]
DROPPED = "ACME_PROD/114"  # LEGACY_REPORTING_WH


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """One materialised pipeline shared by this module's tests: (home, instance, summary)."""
    home = tmp_path_factory.mktemp("snowpatrol_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        patch.delenv("DAGSTER_DEPLOYMENT", raising=False)
        instance = DagsterInstance.ephemeral()
        summary = materialize_local_demo(instance, days=DAYS)
    return home, instance, summary


@pytest.fixture
def home(pipeline, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(pipeline[0]))
    return pipeline[0]


def query(sql: str) -> list[tuple]:
    database = local_data_dir() / "snowpatrol_tables.duckdb"
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_report_names_injected_anomalies_and_the_dropped_warehouse(pipeline, home):
    _, _, summary = pipeline
    report_path = Path(summary[1].removeprefix("Report: "))
    report = report_path.read_text()
    assert "| Account | Warehouse | Day | Credits | Expected | Excess | Excess cost |" in report
    assert "ACME_PROD / LEGACY_REPORTING_WH: dropped, no usage since 2026-08-16" in report
    assert report_path.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    found = [line for line in summary[2:] if "(injected" in line]
    assert len(found) >= 5
    assert len(found) >= 0.6 * len(summary[2:])  # most alerts are real anomalies


def test_every_active_warehouse_has_a_model_and_is_scored_once_per_day(pipeline, home):
    instance = pipeline[1]
    keys = set(instance.get_dynamic_partitions(warehouses.name))
    assert DROPPED not in keys  # silent for 30+ days: reported, never given a model
    scored = {
        r[0]
        for r in query("select distinct WAREHOUSE_KEY from snowpatrol.warehouse_anomaly_scores")
    }
    assert scored == keys
    per_day = query(
        "select WAREHOUSE_KEY, USAGE_DATE, count(*) from snowpatrol.warehouse_anomaly_scores "
        "group by all having count(*) > 1"
    )
    assert per_day == []
    ids = query(
        "select ANOMALY_ID, count(*) from snowpatrol.usage_anomalies group by 1 having count(*) > 1"
    )
    assert ids == []


def model_versions() -> dict[str, str]:
    return dict(
        query("select WAREHOUSE_KEY, MODEL_VERSION from snowpatrol.warehouse_anomaly_models")
    )


def test_a_backfill_of_two_non_adjacent_warehouses_trains_exactly_those_two(pipeline, home):
    instance = pipeline[1]
    keys = instance.get_dynamic_partitions(warehouses.name)
    chosen = [keys[1], keys[4]]
    before = model_versions()
    for key in chosen:  # what the retraining sensor requests: one run per contiguous range
        materialize(
            ASSETS,
            selection=["warehouse_anomaly_models"],
            instance=instance,
            resources=build_resources(),
            partition_key=key,
            run_config=RunConfig({"warehouse_anomaly_models": DetectorConfig()}),
        )
    after = model_versions()
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == set(chosen)
    assert {k: v for k, v in after.items() if k not in chosen} == {
        k: v for k, v in before.items() if k not in chosen
    }
    event = instance.get_latest_materialization_event(AssetKey("warehouse_anomaly_models"))
    metadata = event.asset_materialization.metadata
    assert event.asset_materialization.partition == keys[4]
    assert metadata["warehouse_key"].value == keys[4]
    assert metadata["model_version"].value == after[keys[4]]
    assert metadata["method"].value == "robust_baseline"
    assert "models" not in metadata  # no run-wide table copied into each partition's event


def test_anomalies_alert_once_even_when_the_report_is_rebuilt(pipeline, home):
    instance = pipeline[1]
    outbox = home / "outbox"
    ticks = Ticks(delivery_sensor("snowpatrol"), instance, LocalOutboxAlerts(outbox=str(outbox)))

    ticks.tick()
    sent = list(outbox.glob("*.md"))
    assert len(sent) == 1
    assert "new Snowflake usage anomalies" in sent[0].read_text()
    ticks.tick()  # nothing new since: no second alert
    assert len(list(outbox.glob("*.md"))) == 1

    materialize(
        ASSETS, selection=["anomaly_report"], instance=instance, resources=build_resources()
    )
    ticks.tick()
    assert len(list(outbox.glob("*.md"))) == 1
