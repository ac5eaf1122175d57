"""Snowpatrol's tables through the production IO manager (Snowflake, faked by fakesnow)."""

import pytest
from dagster import materialize
from dagster_snowflake import SnowflakeResource

from snowpatrol_assets.assets.ingest import warehouse_daily_usage, warehouse_metering
from snowpatrol_assets.sensors import RANGE_END, RANGE_START
from snowpatrol_assets.sources import SimulatedAccountSource
from snowpatrol_assets.usage_tables import SnowflakeUsageTables

CREDITS = "CREDITS_USED FLOAT, CREDITS_USED_COMPUTE FLOAT, CREDITS_USED_CLOUD_SERVICES FLOAT"
TABLES = {
    "WAREHOUSE_METERING": "ACCOUNT_NAME VARCHAR, WAREHOUSE_ID INT, WAREHOUSE_NAME VARCHAR, "
    f"START_TIME TIMESTAMP_NTZ, END_TIME TIMESTAMP_NTZ, {CREDITS}",
    "WAREHOUSE_DAILY_USAGE": "ACCOUNT_NAME VARCHAR, WAREHOUSE_ID INT, WAREHOUSE_NAME VARCHAR, "
    "WAREHOUSE_KEY VARCHAR, "
    f"USAGE_DATE TIMESTAMP_NTZ, {CREDITS}, CREDITS_MOVING_AVG_30D FLOAT, "
    "CREDITS_MOVING_STD_30D FLOAT, WAREHOUSE_STATUS VARCHAR",
}


@pytest.fixture
def snowflake(snowflake_tables):
    """(cursor, io_manager) on a faked ANALYTICS.SNOWPATROL schema."""
    return snowflake_tables("ANALYTICS", "SNOWPATROL", TABLES)


def run(io_manager, first: str, last: str, assets):
    return materialize(
        assets,
        resources={
            "io_manager": io_manager,
            "usage_source": SimulatedAccountSource(),
            "usage_tables": SnowflakeUsageTables(
                snowflake=SnowflakeResource(account="acme", user="u", password="p", warehouse="W"),
                database="ANALYTICS",
                schema_name="SNOWPATROL",
            ),
        },
        tags={RANGE_START: first, RANGE_END: last},
    )


def count(cursor, sql: str) -> int:
    cursor.execute(sql)
    return cursor.fetchone()[0]


def test_metering_days_are_replaced_and_the_usage_matrix_reads_them_back(snowflake):
    snowflake_cursor, io_manager = snowflake
    run(io_manager, "2026-06-01", "2026-06-03", [warehouse_metering])
    hourly = count(snowflake_cursor, "SELECT COUNT(*) FROM ANALYTICS.SNOWPATROL.WAREHOUSE_METERING")
    run(io_manager, "2026-06-02", "2026-06-03", [warehouse_metering])  # late corrections
    again = count(snowflake_cursor, "SELECT COUNT(*) FROM ANALYTICS.SNOWPATROL.WAREHOUSE_METERING")
    assert again == hourly > 0

    result = run(
        io_manager,
        "2026-06-01",
        "2026-06-03",
        [warehouse_metering.to_source_asset(), warehouse_daily_usage],
    )
    assert all(c.passed for c in result.get_asset_check_evaluations())
    days = count(
        snowflake_cursor,
        "SELECT COUNT(DISTINCT USAGE_DATE) FROM ANALYTICS.SNOWPATROL.WAREHOUSE_DAILY_USAGE",
    )
    assert days == 3
    snowflake_cursor.execute(
        "SELECT COUNT(*) FROM ANALYTICS.SNOWPATROL.WAREHOUSE_DAILY_USAGE WHERE WAREHOUSE_NAME = %s",
        ("MARKETING BI 'EU'",),
    )
    assert snowflake_cursor.fetchone()[0] == 3
