"""Umlaut column names through the production table IO manager (Snowflake, faked by fakesnow).

Snowflake stores columns upper-cased (and dagster-snowflake-pandas reads them lower-cased); the
cookie location's IO manager gives them back as the assets wrote them (`Läckerli_boxes`).
"""

import pytest
from cookie_support import landing_root, write_csv
from dagster import DagsterInstance, materialize

from cookie_assets.contract import customers_file, orders_file
from cookie_assets.definitions import ASSETS
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.keys import ORDERS, TRAINING_DATA, TRIAL_CUSTOMERS
from cookie_assets.landing import LocalLandingZone
from cookie_assets.resources import build_resources

CUSTOMER_COLUMNS = """CUSTOMER_ID VARCHAR, HOUSEHOLD_MEMBERS INT, NUMBER_OF_CHILDREN INT,
    FAVORITE_COLOR VARCHAR, FAVORITE_SEASON VARCHAR, SWEETNESS_LIKE INT, FUN_SPENDING_BUDGET INT"""
BOXES = """"LÄCKERLI_BOXES" INT, WILLISAUER_RINGLI_BOXES INT, "MANDELBÄRLI_BOXES" INT,
    CHOCOLATE_BROWNIES_BOXES INT"""
TABLES = {
    "TRIAL_CUSTOMERS": f"{CUSTOMER_COLUMNS}, SOURCE_LINE INT, COHORT VARCHAR",
    "ORDERS": f"CUSTOMER_ID VARCHAR, {BOXES}, SOURCE_LINE INT, COHORT VARCHAR",
    "TRAINING_DATA": f"{CUSTOMER_COLUMNS}, COHORT VARCHAR, {BOXES}, TOTAL_BOXES INT, SPLIT VARCHAR",
}


@pytest.fixture
def fake_snowflake(snowflake_tables):
    cookie_names = build_resources()["io_manager"].column_names
    return snowflake_tables("COOKIE_DB", "COOKIE", TABLES, cookie_names)


def test_umlaut_columns_round_trip_through_the_snowflake_io_manager(fake_snowflake):
    cursor, io_manager = fake_snowflake
    landing = LocalLandingZone(root=str(landing_root()), seed_demo_data=False)
    snowflake_resources = {**build_resources(), "io_manager": io_manager, "landing": landing}
    instance = DagsterInstance.ephemeral()
    for day, seed in [("2024-01-01", 1), ("2024-01-02", 2)]:
        customers = generate_customers(20, seed)
        write_csv(landing_root(), customers_file(day), customers)
        write_csv(landing_root(), orders_file(day), generate_orders(customers, seed))
        instance.add_dynamic_partitions("cookie_cohorts", [day])
        materialize(
            ASSETS,
            selection=[TRIAL_CUSTOMERS, ORDERS],
            partition_key=day,
            instance=instance,
            resources=snowflake_resources,
        )
    result = materialize(
        ASSETS,
        selection=[TRAINING_DATA],
        instance=instance,
        resources=snowflake_resources,
    )
    metadata = result.asset_materializations_for_node("training_data")[0].metadata
    assert metadata["cohorts"].value == ["2024-01-01", "2024-01-02"]  # both read back valid
    assert "Läckerli_boxes" in metadata["mean_boxes"].value
    cursor.execute("SELECT * FROM COOKIE_DB.COOKIE.TRAINING_DATA")
    columns = [d[0] for d in cursor.description]
    assert "LÄCKERLI_BOXES" in columns and "MANDELBÄRLI_BOXES" in columns
    assert len(cursor.fetchall()) == 40
    # Re-loading a cohort replaces its partition instead of appending to it.
    materialize(
        ASSETS,
        selection=[ORDERS],
        partition_key="2024-01-01",
        instance=instance,
        resources=snowflake_resources,
    )
    cursor.execute("SELECT COHORT, COUNT(*) FROM COOKIE_DB.COOKIE.ORDERS GROUP BY 1")
    assert sorted(cursor.fetchall()) == [("2024-01-01", 20), ("2024-01-02", 20)]


def test_a_column_snowflake_would_not_give_back_as_written_is_refused_locally_too():
    """A new column spelled in neither case (`Zimtstern_boxes`) would read back from Snowflake
    as `zimtstern_boxes`; the local tables refuse it, so the mistake shows before production."""
    import pandas as pd
    from dagster import asset

    from mlops_common.column_names import ColumnNameError

    @asset(key_prefix="cookie")
    def new_cookie_counts() -> pd.DataFrame:
        return pd.DataFrame({"customer_id": ["c1"], "Läckerli_boxes": [1], "Zimtstern_boxes": [2]})

    with pytest.raises(
        ColumnNameError, match="'Zimtstern_boxes' \\(would read back as 'zimtstern_boxes'\\)"
    ):
        materialize([new_cookie_counts], resources={"io_manager": build_resources()["io_manager"]})
