"""The whole Snowpatrol graph materialised on the local defaults (DuckDB, simulated account)."""

from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, RunConfig, materialize

from mlops_common.alerting import LocalOutboxAlerts
from mlops_common.environment import local_data_dir
from snowpatrol_assets.assets.models import TrainingConfig
from snowpatrol_assets.definitions import ASSETS
from snowpatrol_assets.demo import materialize_local_demo
from snowpatrol_assets.partitions import usage_days, warehouses
from snowpatrol_assets.resources import build_resources
from snowpatrol_assets.sensors import RANGE_END, RANGE_START
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
    assert "| Account | Warehouse | Day | Credits | Expected | Excess | Score |" in report
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


def train(instance, config: TrainingConfig):
    keys = instance.get_dynamic_partitions(warehouses.name)
    return materialize(
        ASSETS,
        selection=["warehouse_anomaly_models"],
        instance=instance,
        resources=build_resources(),
        tags={RANGE_START: keys[0], RANGE_END: keys[-1]},
        run_config=RunConfig({"warehouse_anomaly_models": config}),
    )


def model_cards():
    return query(
        "select WAREHOUSE_KEY, MODEL_VERSION, RETRAINED, REASON "
        "from snowpatrol.warehouse_anomaly_models"
    )


def test_retraining_keeps_undrifted_models_unless_forced(pipeline, home):
    instance = pipeline[1]
    train(instance, TrainingConfig())
    cards = model_cards()
    kept = [c for c in cards if not c[2]]
    assert kept and all(c[1] == "v1" and c[3] == "kept" for c in kept)
    assert all(c[3] == "usage drifted" for c in cards if c[2])
    assert len(cards) == len(set(c[0] for c in cards))  # one card per warehouse, not appended

    train(instance, TrainingConfig(force_retrain=True))
    cards = model_cards()
    assert all(c[2] and c[3] == "forced retrain" for c in cards)
    assert all(c[1] != "v1" for c in cards)


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
