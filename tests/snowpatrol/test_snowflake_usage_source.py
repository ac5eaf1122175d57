"""Snowpatrol's production usage source (SnowflakeUsageSource) against fakesnow: the metering
views of ORGANIZATION_USAGE / ACCOUNT_USAGE and query attribution, read with bound parameters.
Nothing here reaches the network."""

from datetime import date, datetime, timedelta

import fakesnow
import fakesnow.cursor
import pandas as pd
import pytest
import snowflake.connector
from dagster import materialize
from dagster_snowflake import SnowflakeResource

from mlops_common.resource_sets import local_tables
from snowpatrol_assets.sources import (
    SimulatedAccountSource,
    SnowflakeUsageSource,
    query_attribution_sql,
)
from snowpatrol_assets.usage.columns import METERING_COLUMNS, warehouse_key
from tests.local_tables import local_frame

START, END = datetime(2026, 1, 5), datetime(2026, 1, 7)  # the window asked for: [START, END)
ODD_WAREHOUSE = "FINANCE 50% 'Q1' WH"  # quote, space and a pyformat-looking % in the name
HOSTILE = "X\\' ) OR 1=1 --"  # breaks out of a Snowflake string literal if formatted in
ACCOUNT_NAME, ACCOUNT_LOCATOR = "ACME_SANDBOX", "XY12345"

ORG_TABLE = "SNOWFLAKE.ORGANIZATION_USAGE.WAREHOUSE_METERING_HISTORY"
ACCOUNT_TABLE = "SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY"
CREDIT_TYPES = """CREDITS_USED NUMBER(38, 9), CREDITS_USED_COMPUTE NUMBER(38, 9),
    CREDITS_USED_CLOUD_SERVICES NUMBER(38, 9)"""
VIEW_COLUMNS = {  # the columns of the real views, with their Snowflake types
    ORG_TABLE: f"""ORGANIZATION_NAME VARCHAR, ACCOUNT_NAME VARCHAR, ACCOUNT_LOCATOR VARCHAR,
        REGION VARCHAR, SERVICE_TYPE VARCHAR, START_TIME TIMESTAMP_LTZ, END_TIME TIMESTAMP_LTZ,
        WAREHOUSE_ID NUMBER(38, 0), WAREHOUSE_NAME VARCHAR, {CREDIT_TYPES}""",
    ACCOUNT_TABLE: f"""START_TIME TIMESTAMP_LTZ, END_TIME TIMESTAMP_LTZ,
        WAREHOUSE_ID NUMBER(38, 0), WAREHOUSE_NAME VARCHAR, {CREDIT_TYPES},
        CREDITS_ATTRIBUTED_COMPUTE_QUERIES NUMBER(38, 9)""",
}


def _metering_rows() -> pd.DataFrame:
    """Simulated rows for 2026-01-04..07, an odd warehouse name, and rows just outside the
    window, sorted as the source query orders them."""
    simulated = simulate_days(date(2026, 1, 4), date(2026, 1, 8))

    def row(start: datetime, credits: float) -> dict:
        return {
            "ACCOUNT_NAME": ACCOUNT_NAME,
            "WAREHOUSE_ID": 9001,
            "WAREHOUSE_NAME": ODD_WAREHOUSE,
            "START_TIME": pd.Timestamp(start),
            "END_TIME": pd.Timestamp(start + timedelta(hours=1)),
            "CREDITS_USED": credits + 0.125,
            "CREDITS_USED_COMPUTE": credits,
            "CREDITS_USED_CLOUD_SERVICES": 0.125,
        }

    odd = [
        row(START - timedelta(hours=1), 7.0),  # last hour before the window
        row(START, 1.5),  # first hour of the window
        row(END - timedelta(hours=1), 2.25),  # last hour of the window
        row(END, 11.0),  # first hour after the window
    ]
    rows = pd.concat([simulated, pd.DataFrame(odd)], ignore_index=True)
    keys = ["START_TIME", "ACCOUNT_NAME", "WAREHOUSE_NAME"]
    return rows.sort_values(keys, ignore_index=True)[METERING_COLUMNS]


def simulate_days(first: date, end: date) -> pd.DataFrame:
    return SimulatedAccountSource().fetch_metering(
        datetime.combine(first, datetime.min.time()), datetime.combine(end, datetime.min.time())
    )


def _in_window(rows: pd.DataFrame, start=START, end=END) -> pd.DataFrame:
    inside = (rows["START_TIME"] >= start) & (rows["START_TIME"] < end)
    return rows[inside].reset_index(drop=True)


class FakeSnowflake:
    """The patched Snowflake: seeded usage views and a record of every executed statement."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        self.statements: list[tuple[str, object]] = []
        self._conn = snowflake.connector.connect(account="acme", user="u", password="p")

    def seed(self) -> None:
        duck = self._conn._duck_conn
        # fakesnow 0.12.1 implements neither CURRENT_ACCOUNT() nor CURRENT_ACCOUNT_NAME();
        # stand-ins with Snowflake's meaning (the locator, the account's name), created in the
        # default schema, where a connection without a database looks functions up.
        duck.execute(f"CREATE MACRO current_account() AS '{ACCOUNT_LOCATOR}'")
        duck.execute(f"CREATE MACRO current_account_name() AS '{ACCOUNT_NAME}'")
        cursor = self._conn.cursor()
        cursor.execute("CREATE DATABASE SNOWFLAKE")
        for table, columns in VIEW_COLUMNS.items():
            cursor.execute(f"CREATE SCHEMA {table.rsplit('.', 1)[0]}")
            cursor.execute(f"CREATE TABLE {table} ({columns})")
        # fakesnow runs INSERTs row by row through sqlglot; bulk-load its DuckDB directly.
        frame = self.rows.assign(
            START_TIME=self.rows["START_TIME"].dt.tz_localize("UTC"),
            END_TIME=self.rows["END_TIME"].dt.tz_localize("UTC"),
        )
        duck.register("seed_rows", frame)
        measures = """START_TIME, END_TIME, WAREHOUSE_ID, WAREHOUSE_NAME, CREDITS_USED,
            CREDITS_USED_COMPUTE, CREDITS_USED_CLOUD_SERVICES"""
        duck.execute(
            f"INSERT INTO {ORG_TABLE} SELECT 'ACME_ORG', ACCOUNT_NAME, '{ACCOUNT_LOCATOR}', "
            f"'AWS_EU_CENTRAL_1', 'WAREHOUSE_METERING', {measures} FROM seed_rows"
        )
        duck.execute(
            f"INSERT INTO {ACCOUNT_TABLE} SELECT {measures}, CREDITS_USED_COMPUTE FROM seed_rows "
            f"WHERE ACCOUNT_NAME = '{ACCOUNT_NAME}'"
        )
        duck.unregister("seed_rows")

    def set_session_timezone(self, timezone: str) -> None:
        """What an account's TIMEZONE parameter does (fakesnow rejects ALTER SESSION ... TIMEZONE):
        TIMESTAMP_LTZ values come back in it and literals without an offset are read in it."""
        self._conn._duck_conn.execute(f"SET GLOBAL TimeZone = '{timezone}'")


@pytest.fixture
def fake_snowflake(monkeypatch):
    rows = _metering_rows()
    assert ODD_WAREHOUSE in set(rows["WAREHOUSE_NAME"])
    assert "MARKETING BI 'EU'" in set(_in_window(rows)["WAREHOUSE_NAME"])
    with fakesnow.patch():
        fake = FakeSnowflake(rows)
        fake.seed()
        execute = fakesnow.cursor.FakeSnowflakeCursor.execute

        def recording_execute(cursor, command, params=None, *args, **kwargs):
            fake.statements.append((command, params))
            return execute(cursor, command, params, *args, **kwargs)

        monkeypatch.setattr(fakesnow.cursor.FakeSnowflakeCursor, "execute", recording_execute)
        yield fake


def usage_source(**fields) -> SnowflakeUsageSource:
    return SnowflakeUsageSource(
        snowflake=SnowflakeResource(account="acme", user="snowpatrol", password="not-a-secret"),
        **fields,
    )


def _assert_metering_frame(fetched: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(fetched.columns) == METERING_COLUMNS
    assert fetched["START_TIME"].dt.tz is None and fetched["END_TIME"].dt.tz is None
    pd.testing.assert_frame_equal(fetched, expected, check_exact=False, rtol=1e-9)


def test_organization_usage_returns_exactly_the_window_with_the_pipeline_shape(fake_snowflake):
    fetched = usage_source().fetch_metering(START, END)

    expected = _in_window(fake_snowflake.rows)
    _assert_metering_frame(fetched, expected)  # dtypes too: float credits, int ids, naive UTC
    assert fetched["START_TIME"].min() == pd.Timestamp(START)
    assert fetched["START_TIME"].max() == pd.Timestamp(END - timedelta(hours=1))
    odd = fetched[fetched["WAREHOUSE_NAME"] == ODD_WAREHOUSE]
    assert odd["CREDITS_USED_COMPUTE"].tolist() == [1.5, 2.25]  # not the 7.0 / 11.0 outside
    assert fetched["CREDITS_USED"].sum() == pytest.approx(expected["CREDITS_USED"].sum())
    assert fetched["ACCOUNT_NAME"].nunique() >= 2


def test_a_window_without_usage_gives_an_empty_frame_of_the_same_shape(fake_snowflake):
    fetched = usage_source().fetch_metering(datetime(2025, 12, 1), datetime(2025, 12, 2))

    assert fetched.empty
    expected_types = _in_window(fake_snowflake.rows).dtypes
    assert fetched.dtypes.to_dict() == expected_types.to_dict()


def test_window_is_utc_whatever_the_session_timezone(fake_snowflake):
    """Snowflake accounts default to TIMEZONE=America/Los_Angeles: a naive bound would be read
    as Pacific time and shift the day by 8 hours."""
    fake_snowflake.set_session_timezone("America/Los_Angeles")

    fetched = usage_source().fetch_metering(START, END)

    _assert_metering_frame(fetched, _in_window(fake_snowflake.rows))


def test_account_usage_names_the_current_account(fake_snowflake):
    fetched = usage_source(usage_schema="ACCOUNT_USAGE").fetch_metering(START, END)

    rows = fake_snowflake.rows
    expected = _in_window(rows[rows["ACCOUNT_NAME"] == ACCOUNT_NAME])
    assert len(expected) > 0
    # The account's name, as ORGANIZATION_USAGE reports it, not its locator: otherwise the
    # warehouse keys (ACCOUNT/WAREHOUSE) change when switching the usage schema.
    assert set(fetched["ACCOUNT_NAME"]) == {ACCOUNT_NAME}
    _assert_metering_frame(fetched, expected)


def test_query_is_parameterised(fake_snowflake):
    source = usage_source()
    source.fetch_metering(START, END)

    (statement, params) = next(
        (sql, params) for sql, params in fake_snowflake.statements if "METERING" in sql
    )
    assert statement == source.metering_sql()
    assert "%(start)s" in statement and "%(end)s" in statement
    assert "2026" not in statement and ODD_WAREHOUSE not in statement
    bounds = {k: pd.Timestamp(v) for k, v in params.items()}
    as_utc = {
        k: t.tz_convert("UTC") if t.tzinfo else t.tz_localize("UTC") for k, t in bounds.items()
    }
    assert as_utc == {"start": pd.Timestamp(START, tz="UTC"), "end": pd.Timestamp(END, tz="UTC")}


def test_source_database_must_be_a_plain_identifier():
    with pytest.raises(ValueError, match="not a plain identifier"):
        usage_source(source_database="SNOWFLAKE; DROP TABLE X").metering_sql()


def _stored_metering() -> pd.DataFrame:
    return local_frame(
        "snowpatrol",
        "SELECT * FROM snowpatrol.warehouse_metering "
        "ORDER BY START_TIME, ACCOUNT_NAME, WAREHOUSE_NAME",
    )


def test_warehouse_metering_asset_from_snowflake_into_duckdb_is_idempotent(
    fake_snowflake,
):
    from snowpatrol_assets.assets.ingest import warehouse_metering

    resources = {"usage_source": usage_source(), "io_manager": local_tables("snowpatrol")}

    def run(partition: str):
        result = materialize([warehouse_metering], partition_key=partition, resources=resources)
        assert result.success
        checks = result.get_asset_check_evaluations()
        assert checks and all(c.passed for c in checks), [c.check_name for c in checks]
        return result

    first = run("2026-01-05")
    day = _in_window(fake_snowflake.rows, START, START + timedelta(days=1))
    stored = _stored_metering()
    pd.testing.assert_frame_equal(stored, day, check_dtype=False, check_exact=False, rtol=1e-9)
    metadata = first.asset_materializations_for_node("warehouse_metering")[0].metadata
    assert metadata["rows"].value == len(day)
    assert metadata["credits_used"].value == round(day["CREDITS_USED"].sum(), 2)

    run("2026-01-06")
    run("2026-01-05")  # again: replaces the day, no duplicates, the other day kept

    stored = _stored_metering()
    both_days = _in_window(fake_snowflake.rows)
    assert len(stored) == len(both_days)
    assert not stored.duplicated(["ACCOUNT_NAME", "WAREHOUSE_NAME", "START_TIME"]).any()
    pd.testing.assert_frame_equal(
        stored, both_days, check_dtype=False, check_exact=False, rtol=1e-9
    )


# --- query attribution (who and what spent an anomaly's credits) ------------------------------


@pytest.fixture
def attribution_views(snowflake_tables):
    cursor, _ = snowflake_tables(
        "SNOWFLAKE",
        "ACCOUNT_USAGE",
        {
            "QUERY_ATTRIBUTION_HISTORY": "QUERY_ID VARCHAR, WAREHOUSE_ID INT, "
            "WAREHOUSE_NAME VARCHAR, QUERY_PARAMETERIZED_HASH VARCHAR, QUERY_TAG VARCHAR, "
            "USER_NAME VARCHAR, "
            "START_TIME TIMESTAMP_LTZ, END_TIME TIMESTAMP_LTZ, CREDITS_ATTRIBUTED_COMPUTE FLOAT",
            "QUERY_HISTORY": "QUERY_ID VARCHAR, ROLE_NAME VARCHAR, QUERY_TEXT VARCHAR",
        },
    )
    # fakesnow 0.12.1 lacks CURRENT_ACCOUNT_NAME(): a stand-in in the schema a connection
    # without a database looks functions up in.
    cursor._duck_conn.execute("CREATE MACRO memory.main.current_account_name() AS 'ACME_PROD'")
    rows = [
        ("q1", 101, HOSTILE, "h1", "dbt:orders", "DBT", "2026-06-02 03:00", 12.5, "LOADER"),
        ("q2", 101, HOSTILE, "h2", "", "ANNA", "2026-06-02 09:00", 80.0, "ANALYST"),
        ("q3", 101, HOSTILE, "h1", "dbt:orders", "DBT", "2026-05-26 03:00", 11.0, "LOADER"),
        ("q4", 102, "OTHER_WH", "h9", "", "BOB", "2026-06-02 10:00", 5.0, "ANALYST"),
        ("q5", 101, HOSTILE, "h1", "dbt:orders", "DBT", "2026-06-03 03:00", 13.0, "LOADER"),
    ]
    for qid, wid, name, qhash, tag, user, start, credits, role in rows:
        cursor.execute(
            "INSERT INTO SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY VALUES "
            "(%s, %s, %s, %s, %s, %s, %s::TIMESTAMP_NTZ, %s::TIMESTAMP_NTZ, %s)",
            (qid, wid, name, qhash, tag, user, f"{start}:00", f"{start}:30", credits),
        )
        cursor.execute(
            "INSERT INTO SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY VALUES (%s, %s, %s)",
            (qid, role, f"SELECT /* {name} */ 1"),
        )
    return cursor


def test_only_the_requested_warehouse_days_are_read_with_bound_parameters(attribution_views):
    from dagster_snowflake import SnowflakeResource

    source = SnowflakeUsageSource(
        snowflake=SnowflakeResource(account="acme", user="u", password="p", warehouse="WH"),
        usage_schema="ACCOUNT_USAGE",
    )
    key = warehouse_key("ACME_PROD", 101)
    rows = source.fetch_query_attribution({(key, date(2026, 6, 2)), (key, date(2026, 5, 26))})
    assert sorted(rows["QUERY_ID"]) == ["q1", "q2", "q3"]  # not 102's query, not June 3rd
    assert set(rows["WAREHOUSE_NAME"]) == {HOSTILE}
    assert set(rows["ROLE_NAME"]) == {"LOADER", "ANALYST"}
    sql = query_attribution_sql("SNOWFLAKE", 2)
    assert "%(w1)s" in sql and "101" not in sql and "2026" not in sql
