"""Keys that data cannot break: hostile warehouse names next to ordinary ones, on DuckDB and
on fakesnow (whose Snowflake dialect reads `\\` in string literals as Snowflake does)."""

from datetime import timedelta

import pytest
from dagster import DagsterInstance
from dagster_snowflake import SnowflakeResource

from mlops_common.safe_names import check_partition_key, safe_name
from mlops_common.wandb_store import artifact_name
from snowpatrol_assets.resources import build_resources
from snowpatrol_assets.simulation import WarehouseProfile, simulate_metering
from snowpatrol_assets.simulation.query_history import simulate_query_history
from snowpatrol_assets.sources import UsageSource
from snowpatrol_assets.usage.columns import warehouse_key
from snowpatrol_assets.usage_tables import SnowflakeUsageTables
from tests.local_tables import local_rows
from tests.reliability.snowpatrol_graph import SCORING, build_graph, run

HOSTILE_NAMES = [
    "X\\' ) OR 1=1 --",
    "DEV\\",
    "O'BRIEN_WH",
    "LINE\nBREAK | PIPE",
    "TEAM/ANALYTICS",
    "W" * 255,
    "倉庫" * 50,
]
FLEET = (
    *(
        WarehouseProfile("ACME_PROD", 500 + i, name, "etl", 10.0 + i)
        for i, name in enumerate(HOSTILE_NAMES)
    ),
    WarehouseProfile("ACME_PROD", 101, "ETL_NIGHTLY_WH", "etl", 40.0),
    WarehouseProfile("ACME_PROD'; --", 7, "BI_WH", "bi", 20.0),
)
INJECTION = warehouse_key("ACME_PROD", 500)


class HostileAccount(UsageSource):
    """A simulated account whose warehouse names are built to break SQL, paths and Markdown."""

    def fetch_metering(self, start, end):
        return simulate_metering(start.date(), end.date(), warehouses=FLEET)

    def fetch_query_attribution(self, days):
        first, last = min(d for _, d in days), max(d for _, d in days)
        return simulate_query_history(first, last + timedelta(days=1), FLEET, days=days)


def test_keys_are_safe_and_distinct_whatever_the_name():
    keys = {warehouse_key(w.account, w.warehouse_id) for w in FLEET}
    assert len(keys) == len(FLEET)
    for key in keys:
        assert check_partition_key(key) == key and len(key) <= 80
        assert len(artifact_name(key)) <= 128
    assert safe_name("ACME_PROD'; --") != safe_name("ACME_PROD__--")


def test_hostile_names_train_score_and_report_without_touching_other_warehouses():
    instance = DagsterInstance.ephemeral()
    resources = {**build_resources(), "usage_source": HostileAccount()}
    keys = build_graph(instance, resources)
    assert len(keys) == len(FLEET)
    before = local_rows(
        "snowpatrol",
        "select WAREHOUSE_KEY, MODEL_VERSION from snowpatrol.warehouse_anomaly_models "
        "where WAREHOUSE_KEY <> $1 order by 1",
        [INJECTION],
    )
    retrain = run(
        instance, ["warehouse_anomaly_models"], resources, {"dagster/partition": INJECTION}
    )
    assert retrain.success
    after = local_rows(
        "snowpatrol",
        "select WAREHOUSE_KEY, MODEL_VERSION from snowpatrol.warehouse_anomaly_models "
        "where WAREHOUSE_KEY <> $1 order by 1",
        [INJECTION],
    )
    assert after == before and len(after) == len(FLEET) - 1
    later = run(instance, SCORING, resources)
    assert later.success
    scored = local_rows(
        "snowpatrol", "select distinct WAREHOUSE_NAME from snowpatrol.warehouse_anomaly_scores"
    )
    assert {r[0] for r in scored} == {w.name for w in FLEET}


@pytest.fixture
def snowflake(snowflake_tables):
    return snowflake_tables("ANALYTICS", "SNOWPATROL", {})


def test_hostile_names_cannot_escape_the_snowflake_partition_filter(snowflake):
    cursor, io_manager = snowflake
    instance = DagsterInstance.ephemeral()
    tables = SnowflakeUsageTables(
        snowflake=SnowflakeResource(account="acme", user="u", password="p", warehouse="W"),
        database="ANALYTICS",
        schema_name="SNOWPATROL",
    )
    resources = {
        **build_resources(),
        "io_manager": io_manager,
        "usage_source": HostileAccount(),
        "usage_tables": tables,
    }
    build_graph(instance, resources)
    cursor.execute("SELECT COUNT(*) FROM ANALYTICS.SNOWPATROL.WAREHOUSE_ANOMALY_MODELS")
    models = cursor.fetchone()[0]
    for key in (INJECTION, warehouse_key("ACME_PROD", 501)):  # `X\' ) OR 1=1 --`, `DEV\`
        assert run(
            instance, ["warehouse_anomaly_models"], resources, {"dagster/partition": key}
        ).success
    cursor.execute(
        "SELECT COUNT(*), COUNT(DISTINCT WAREHOUSE_KEY) "
        "FROM ANALYTICS.SNOWPATROL.WAREHOUSE_ANOMALY_MODELS"
    )
    assert cursor.fetchone() == (models, len(FLEET))
    assert run(instance, ["warehouse_anomaly_scores"], resources).success
    cursor.execute(
        "SELECT COUNT(DISTINCT WAREHOUSE_NAME) FROM ANALYTICS.SNOWPATROL.WAREHOUSE_ANOMALY_SCORES"
    )
    assert cursor.fetchone()[0] == len(FLEET)


class RenamingAccount(UsageSource):
    """ETL_NIGHTLY_WH (id 101) is renamed `ETL "v2" WH` halfway through the history."""

    def fetch_metering(self, start, end):
        rows = simulate_metering(start.date(), end.date(), warehouses=FLEET[-2:])
        renamed = (rows["WAREHOUSE_ID"] == 101) & (rows["START_TIME"] >= "2026-03-20")
        rows.loc[renamed, "WAREHOUSE_NAME"] = 'ETL "v2" WH'
        return rows


def test_a_renamed_warehouse_keeps_its_partition_history_and_model():
    instance = DagsterInstance.ephemeral()
    resources = {**build_resources(), "usage_source": RenamingAccount()}
    keys = build_graph(instance, resources)
    assert warehouse_key("ACME_PROD", 101) in keys and len(keys) == 2
    assert run(instance, ["warehouse_anomaly_scores"], resources).success
    names = local_rows(
        "snowpatrol",
        "select distinct WAREHOUSE_NAME, count(*) from snowpatrol.warehouse_anomaly_scores "
        "where WAREHOUSE_KEY = $1 group by 1",
        [warehouse_key("ACME_PROD", 101)],
    )
    assert names == [('ETL "v2" WH', 35)]
