"""The daily matrix computed in SQL equals the pandas one, on DuckDB and on fakesnow."""

from datetime import date, timedelta

import pandas as pd
import pytest

from snowpatrol_assets.simulation import SIMULATED_WAREHOUSES, WarehouseProfile, simulate_metering
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    METERING_COLUMNS,
    START_TIME,
    USAGE_DATE,
    WAREHOUSE_ID,
)
from snowpatrol_assets.usage.daily_sql import (
    DUCKDB,
    SNOWFLAKE,
    daily_matrix_sql,
    read_daily_matrix,
)
from snowpatrol_assets.usage.matrix import MATRIX_COLUMNS, daily_usage_matrix

START, END = date(2025, 10, 1), date(2025, 11, 20)
RENAMED_ON = date(2025, 10, 25)
HOSTILE_FLEET = (
    WarehouseProfile("ACME_PROD", 901, "O'BRIEN_WH", "bi", 6.0),
    WarehouseProfile("ACME_PROD", 902, "BACK\\SLASH\\", "adhoc", 4.0),
    WarehouseProfile("ACME_PROD", 903, "LINE\nBREAK", "etl", 9.0),
    WarehouseProfile("ACME_PROD", 904, "W" * 255, "idle", 1.0),
    WarehouseProfile("ACME_PROD", 905, "倉庫_分析", "month_end", 2.0),
    WarehouseProfile("ACME 'EU'\\", 1, "EU_WH", "etl", 5.0, created=date(2025, 10, 9)),
    WarehouseProfile("ACME_PROD", 906, "GONE_WH", "etl", 3.0, dropped=date(2025, 10, 20)),
)
RENAMED = (  # one warehouse (same account and id) under its old name, then its new one
    WarehouseProfile("ACME_DEV", 299, "OLD_NAME_WH", "etl", 7.0),
    WarehouseProfile("ACME_DEV", 299, "NEW 'NAME' WH", "etl", 7.0),
)
METERING_TABLE_COLUMNS = (
    "ACCOUNT_NAME VARCHAR, WAREHOUSE_ID NUMBER(38, 0), WAREHOUSE_NAME VARCHAR, "
    "START_TIME TIMESTAMP_NTZ, END_TIME TIMESTAMP_NTZ, CREDITS_USED FLOAT, "
    "CREDITS_USED_COMPUTE FLOAT, CREDITS_USED_CLOUD_SERVICES FLOAT"
)
ORDER = [ACCOUNT, WAREHOUSE_ID, USAGE_DATE]


@pytest.fixture(scope="module")
def metering() -> pd.DataFrame:
    """Hourly rows of the ACME fleet, hostile names and a warehouse renamed mid-way."""
    frames = [
        simulate_metering(START, END, (*SIMULATED_WAREHOUSES, *HOSTILE_FLEET)),
        simulate_metering(START, RENAMED_ON, RENAMED[:1]),
        simulate_metering(RENAMED_ON, END, RENAMED[1:]),
    ]
    return pd.concat(frames, ignore_index=True)[METERING_COLUMNS]


@pytest.fixture(scope="module")
def pandas_matrix(metering) -> pd.DataFrame:
    return _sorted(daily_usage_matrix(metering, metering[START_TIME].dt.normalize().max()))


def _sorted(matrix: pd.DataFrame) -> pd.DataFrame:
    return matrix.sort_values(ORDER, ignore_index=True)


def _assert_same_matrix(sql_matrix: pd.DataFrame, pandas_matrix: pd.DataFrame) -> None:
    assert list(sql_matrix.columns) == MATRIX_COLUMNS
    pd.testing.assert_frame_equal(
        _sorted(sql_matrix), pandas_matrix, check_exact=False, rtol=1e-9, atol=1e-6
    )


def test_the_fixture_covers_renames_idle_days_and_hostile_names(pandas_matrix):
    renamed = pandas_matrix[pandas_matrix[WAREHOUSE_ID] == RENAMED[0].warehouse_id]
    assert set(renamed["WAREHOUSE_NAME"]) == {RENAMED[1].name}
    assert len(renamed) == (END - START).days
    gone = pandas_matrix[pandas_matrix["WAREHOUSE_NAME"] == "GONE_WH"]
    assert gone["USAGE_DATE"].max() == pd.Timestamp(END - timedelta(days=1))
    assert (gone["CREDITS_USED"] == 0).sum() >= (END - date(2025, 10, 20)).days


def test_duckdb_matrix_equals_pandas(metering, pandas_matrix):
    import duckdb

    with duckdb.connect() as connection:
        connection.execute("create schema snowpatrol")
        connection.register("new_rows", metering)
        connection.execute("create table snowpatrol.warehouse_metering as from new_rows")
        sql_matrix = read_daily_matrix(connection, "snowpatrol.warehouse_metering", DUCKDB)
    _assert_same_matrix(sql_matrix, pandas_matrix)


def test_snowflake_matrix_equals_pandas(snowflake_tables, metering, pandas_matrix):
    tables = {"WAREHOUSE_METERING": METERING_TABLE_COLUMNS}
    cursor, _ = snowflake_tables("SNOWPATROL_DB", "SNOWPATROL", tables)
    import snowflake.connector  # fakesnow's, once patched: one database behind all connections
    from snowflake.connector.pandas_tools import write_pandas

    connection = snowflake.connector.connect()

    write_pandas(connection, metering, "WAREHOUSE_METERING", "SNOWPATROL_DB", "SNOWPATROL")
    table = "SNOWPATROL_DB.SNOWPATROL.WAREHOUSE_METERING"
    _assert_same_matrix(read_daily_matrix(connection, table, SNOWFLAKE), pandas_matrix)
    _assert_same_matrix(read_daily_matrix(cursor, table, SNOWFLAKE), pandas_matrix)


def test_an_empty_table_gives_an_empty_matrix(metering):
    import duckdb

    with duckdb.connect() as connection:
        connection.register("new_rows", metering.head(0))
        connection.execute("create table warehouse_metering as from new_rows")
        sql_matrix = read_daily_matrix(connection, "warehouse_metering", DUCKDB)
    assert sql_matrix.empty and list(sql_matrix.columns) == MATRIX_COLUMNS


@pytest.mark.parametrize(
    "table",
    ["metering; drop table x", "snowpatrol.'metering'", "a..b", "", "schema.table name"],
)
def test_only_plain_identifiers_are_accepted_as_the_table(table):
    with pytest.raises(ValueError, match="plain"):
        daily_matrix_sql(table, DUCKDB)


def test_an_unknown_dialect_is_refused():
    with pytest.raises(ValueError, match="dialect"):
        daily_matrix_sql("snowpatrol.warehouse_metering", "postgres")
