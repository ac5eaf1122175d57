"""A replace never leaves less than before: empty results and failed writes keep stored rows.

Faults are injected at the real peers: a CHECK constraint the DuckDB file enforces, and a
dropped connection on the INSERT in fakesnow (Snowflake's SQL, in process).
"""

import pytest
import snowflake.connector
from dagster import materialize

from mlops_common.resource_sets import local_tables
from mlops_common.table_replace import ALLOW_EMPTY_TAG
from snowpatrol_assets.assets.ingest import warehouse_metering
from snowpatrol_assets.sensors import RANGE_END, RANGE_START
from snowpatrol_assets.sources import SimulatedAccountSource
from tests.local_tables import local_count, local_rows

DAY, NEXT = "2026-06-02", "2026-06-03"
ON_DAY = "START_TIME >= TIMESTAMP '2026-06-02' AND START_TIME < TIMESTAMP '2026-06-03'"


class RepulledAccount(SimulatedAccountSource):
    """The simulated account, with the day DAY coming back empty or inflated on a re-pull."""

    defect: str = "none"

    def fetch_metering(self, start, end):
        rows = super().fetch_metering(start, end)
        on_day = rows["START_TIME"].dt.strftime("%Y-%m-%d") == DAY
        if self.defect == "empty_day":
            return rows[~on_day].reset_index(drop=True)
        if self.defect == "inflated":
            rows.loc[on_day, ["CREDITS_USED", "CREDITS_USED_COMPUTE"]] += 1000.0
        return rows


def pull(io_manager, defect="none", first=DAY, last=DAY, allow_empty=False):
    allow = {ALLOW_EMPTY_TAG: "true"} if allow_empty else {}
    return materialize(
        [warehouse_metering],
        resources={"io_manager": io_manager, "usage_source": RepulledAccount(defect=defect)},
        tags={RANGE_START: first, RANGE_END: last, **allow},
        raise_on_error=False,
    )


def error_text(result) -> str:
    failures = [e for e in result.all_events if e.is_step_failure]
    return str(failures[0].step_failure_data.error) if failures else ""


def test_an_empty_repull_of_a_stored_day_is_refused_and_keeps_its_rows():
    io_manager = local_tables("snowpatrol")
    assert pull(io_manager, first=DAY, last=NEXT).success
    before = local_count("snowpatrol", "warehouse_metering", ON_DAY)
    result = pull(io_manager, "empty_day")
    assert not result.success
    assert "is empty, but" in error_text(result) and ALLOW_EMPTY_TAG in error_text(result)
    assert local_count("snowpatrol", "warehouse_metering", ON_DAY) == before > 100


def test_an_empty_repull_is_stored_when_the_run_is_tagged_to_allow_it():
    io_manager = local_tables("snowpatrol")
    assert pull(io_manager, first=DAY, last=NEXT).success
    other_days = local_count("snowpatrol", "warehouse_metering", f"not ({ON_DAY})")
    result = pull(io_manager, "empty_day", allow_empty=True)
    (gap,) = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert gap.check_name == "every_usage_day_present"  # stored, and still reported as a gap
    assert local_count("snowpatrol", "warehouse_metering", ON_DAY) == 0
    assert local_count("snowpatrol", "warehouse_metering", f"not ({ON_DAY})") == other_days


def test_a_write_failing_after_the_delete_rolls_back_on_duckdb():
    import duckdb

    from mlops_common.environment import local_data_dir

    io_manager = local_tables("snowpatrol")
    assert pull(io_manager, first=DAY, last=NEXT).success
    total = local_count("snowpatrol", "warehouse_metering")
    credits = local_rows(
        "snowpatrol", f"select sum(CREDITS_USED) from snowpatrol.warehouse_metering where {ON_DAY}"
    )
    # The fault, at the peer: the stored table now refuses hours over 500 credits, so the
    # insert of the inflated re-pull fails after the day's rows were deleted.
    with duckdb.connect(str(local_data_dir() / "snowpatrol_tables.duckdb")) as connection:
        connection.execute("alter table snowpatrol.warehouse_metering rename to old_rows")
        connection.execute(
            "create table snowpatrol.warehouse_metering as from snowpatrol.old_rows limit 0"
        )
        connection.execute("drop table snowpatrol.warehouse_metering")
        columns = connection.execute("describe snowpatrol.old_rows").fetchall()
        ddl = ", ".join(f'"{name}" {kind}' for name, kind, *_ in columns)
        connection.execute(
            f"create table snowpatrol.warehouse_metering ({ddl}, check (CREDITS_USED <= 500))"
        )
        connection.execute("insert into snowpatrol.warehouse_metering from snowpatrol.old_rows")
        connection.execute("drop table snowpatrol.old_rows")
    result = pull(io_manager, "inflated")
    assert not result.success
    assert "CHECK constraint" in error_text(result)
    assert local_count("snowpatrol", "warehouse_metering") == total
    assert (
        local_rows(
            "snowpatrol",
            f"select sum(CREDITS_USED) from snowpatrol.warehouse_metering where {ON_DAY}",
        )
        == credits
    )


def test_a_header_only_cookie_reupload_keeps_the_cohorts_customers(tmp_path):
    from dagster import DagsterInstance

    from cookie_assets.contract import CUSTOMER_COLUMNS, customers_file
    from cookie_assets.keys import TRIAL_CUSTOMERS
    from tests.cookie.cookie_support import demo_days, landing_root, run_assets, seed_small_landing

    instance = DagsterInstance.ephemeral()
    seed_small_landing(landing_root())
    day = demo_days()[0]
    instance.add_dynamic_partitions("cookie_cohorts", [day])
    assert run_assets(instance, [TRIAL_CUSTOMERS], day).success
    stored = local_count("cookie", "trial_customers", "cohort = $1", [day])
    (landing_root() / customers_file(day)).write_text(",".join(CUSTOMER_COLUMNS) + "\n")
    result = run_assets(instance, [TRIAL_CUSTOMERS], day, raise_on_error=False)
    assert not result.success
    assert customers_file(day) in error_text(result) and "no data rows" in error_text(result)
    assert local_count("cookie", "trial_customers", "cohort = $1", [day]) == stored > 0


@pytest.fixture
def snowflake(snowflake_tables):
    credits = "CREDITS_USED FLOAT, CREDITS_USED_COMPUTE FLOAT, CREDITS_USED_CLOUD_SERVICES FLOAT"
    return snowflake_tables(
        "ANALYTICS",
        "SNOWPATROL",
        {
            "WAREHOUSE_METERING": "ACCOUNT_NAME VARCHAR, WAREHOUSE_ID INT, WAREHOUSE_NAME VARCHAR, "
            f"START_TIME TIMESTAMP_NTZ, END_TIME TIMESTAMP_NTZ, {credits}"
        },
    )


def snowflake_count(cursor, where: str = "") -> int:
    cursor.execute(
        "SELECT COUNT(*) FROM ANALYTICS.SNOWPATROL.WAREHOUSE_METERING"
        + (f" WHERE {where}" if where else "")
    )
    return cursor.fetchone()[0]


def test_a_dropped_connection_during_the_insert_rolls_back_on_snowflake(snowflake, monkeypatch):
    from fakesnow.cursor import FakeSnowflakeCursor

    cursor, io_manager = snowflake
    assert pull(io_manager, first=DAY, last=NEXT).success
    before, on_day = snowflake_count(cursor), snowflake_count(cursor, ON_DAY)
    execute = FakeSnowflakeCursor.execute

    def drop_on_insert(self, command, *args, **kwargs):
        if (
            command.lstrip()
            .upper()
            .startswith("INSERT INTO ANALYTICS.SNOWPATROL.WAREHOUSE_METERING ")
        ):
            raise snowflake.connector.errors.OperationalError("connection dropped (injected)")
        return execute(self, command, *args, **kwargs)

    monkeypatch.setattr(FakeSnowflakeCursor, "execute", drop_on_insert)
    result = pull(io_manager, "inflated")
    monkeypatch.setattr(FakeSnowflakeCursor, "execute", execute)
    assert not result.success and "connection dropped" in error_text(result)
    assert (snowflake_count(cursor), snowflake_count(cursor, ON_DAY)) == (before, on_day)


def test_an_empty_repull_is_refused_on_snowflake(snowflake):
    cursor, io_manager = snowflake
    assert pull(io_manager, first=DAY, last=NEXT).success
    before = snowflake_count(cursor, ON_DAY)
    result = pull(io_manager, "empty_day")
    assert not result.success and "is empty, but" in error_text(result)
    assert snowflake_count(cursor, ON_DAY) == before > 0
