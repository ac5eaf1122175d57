"""Every landing-file check through Dagster: a crafted bad file fails its check with the file
name and rows, the cohort is left out of training, other cohorts are unaffected."""

import duckdb
import pandas as pd
import pytest
from cookie_support import check_evaluations, landing_root, run_assets, write_csv
from dagster import DagsterInstance

from cookie_assets.contract import customers_file, new_customers_file, orders_file
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.keys import NEW_CUSTOMERS, ORDERS, PREDICTIONS, TRAINING_DATA, TRIAL_CUSTOMERS
from cookie_assets.partitions import prediction_days
from mlops_common.environment import local_data_dir
from mlops_common.resource_sets import local_outbox
from tests.alert_support import Ticks, delivery_sensor

RAW = [TRIAL_CUSTOMERS, ORDERS]


def write_cohort_files(day: str, customers: pd.DataFrame, orders: pd.DataFrame) -> None:
    write_csv(landing_root(), customers_file(day), customers)
    write_csv(landing_root(), orders_file(day), orders)


def cohort(seed: int, n: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = generate_customers(n, seed)
    return customers, generate_orders(customers, seed)


def load_cohort(instance: DagsterInstance, day: str):
    instance.add_dynamic_partitions("cookie_cohorts", [day])
    return run_assets(instance, RAW, day)


def rows(table: str) -> pd.DataFrame:
    with duckdb.connect(str(local_data_dir() / "cookie_tables.duckdb"), read_only=True) as con:
        return con.execute(f"select * from cookie.{table}").df()


def bad_negative_boxes(customers, orders):
    orders.loc[3, "Läckerli_boxes"] = -1
    return customers, orders, ORDERS, "schema_and_ranges", "| 5 | Läckerli_boxes | -1 | below 0 |"


def bad_missing_column(customers, orders):
    customers = customers.drop(columns=["sweetness_like"])
    return customers, orders, TRIAL_CUSTOMERS, "schema_and_ranges", "missing column"


def bad_unknown_category(customers, orders):
    customers.loc[6, "favorite_season"] = "monsoon"
    return customers, orders, TRIAL_CUSTOMERS, "known_categories", "| 8 | favorite_season | monsoon"


def bad_duplicate_id(customers, orders):
    customers.loc[4, "customer_id"] = customers.loc[0, "customer_id"]
    return customers, orders, TRIAL_CUSTOMERS, "unique_customer_id", "| 6 | customer_id |"


def bad_customer_without_order(customers, orders):
    return customers, orders.iloc[1:], ORDERS, "one_order_per_customer", "has no order row"


BAD_FILES = [
    bad_negative_boxes,
    bad_missing_column,
    bad_unknown_category,
    bad_duplicate_id,
    bad_customer_without_order,
]


@pytest.mark.parametrize("spoil", BAD_FILES, ids=lambda f: f.__name__)
def test_bad_file_fails_its_check_naming_file_and_rows(spoil):
    instance = DagsterInstance.ephemeral()
    customers, orders, asset, check, row = spoil(*cohort(1))
    write_cohort_files("2024-03-01", customers, orders)
    result = load_cohort(instance, "2024-03-01")
    evaluation = check_evaluations(result, asset)[check]
    assert not evaluation.passed
    file = customers_file if asset == TRIAL_CUSTOMERS else orders_file
    assert evaluation.description.startswith(str(landing_root() / file("2024-03-01")))
    assert row in evaluation.metadata["issues"].value
    assert len(result.get_asset_check_evaluations()) == 5  # every rule was evaluated
    Ticks(delivery_sensor("cookie"), instance, local_outbox("cookie")).tick()
    assert list((local_data_dir() / "outbox" / "cookie").glob("*bad-landing-file*"))


def test_a_malformed_reupload_fails_naming_the_file_and_keeps_the_stored_cohort():
    instance = DagsterInstance.ephemeral()
    customers, orders = cohort(2)
    write_cohort_files("2024-03-02", customers, orders)
    assert load_cohort(instance, "2024-03-02").success
    (landing_root() / customers_file("2024-03-02")).write_bytes(b'customer_id,"unclosed\n1,2\n')
    result = run_assets(instance, RAW, "2024-03-02", raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure.step_failure_data.user_failure_data.description
    assert str(landing_root() / customers_file("2024-03-02")) in message
    assert "malformed CSV" in message
    stored = rows("trial_customers")
    assert sorted(stored["customer_id"]) == sorted(customers["customer_id"])


def test_good_cohorts_pass_and_a_bad_one_is_left_out_of_training_until_fixed():
    instance = DagsterInstance.ephemeral()
    good = {day: cohort(seed) for day, seed in [("2024-03-01", 1), ("2024-03-02", 2)]}
    for day, (customers, orders) in good.items():
        write_cohort_files(day, customers, orders)
        result = load_cohort(instance, day)
        assert all(e.passed for e in result.get_asset_check_evaluations())
        assert len(result.get_asset_check_evaluations()) == 5
    bad_customers, bad_orders = cohort(3)
    write_cohort_files("2024-03-03", bad_customers, bad_orders.iloc[2:])
    load_cohort(instance, "2024-03-03")

    result = run_assets(instance, [TRAINING_DATA])
    metadata = result.asset_materializations_for_node("training_data")[0].metadata
    assert metadata["cohorts_left_out"].value == ["2024-03-03"]
    assert metadata["cohorts"].value == ["2024-03-01", "2024-03-02"]
    assert len(rows("training_data")) == 60

    # The corrected file is re-uploaded: the partition is replaced, not appended to.
    write_cohort_files("2024-03-03", bad_customers, bad_orders)
    result = run_assets(instance, RAW, "2024-03-03")
    assert all(e.passed for e in result.get_asset_check_evaluations())
    assert rows("orders").groupby("cohort").size().to_dict() == {
        "2024-03-01": 30,
        "2024-03-02": 30,
        "2024-03-03": 30,
    }
    run_assets(instance, [TRAINING_DATA])
    assert len(rows("training_data")) == 90


def test_bad_new_customers_file_blocks_that_days_predictions():
    instance = DagsterInstance.ephemeral()
    customers = generate_customers(20, 9)
    customers.loc[2, "number_of_children"] = 7
    write_csv(landing_root(), new_customers_file("2024-05-01"), customers)
    instance.add_dynamic_partitions(prediction_days.name, ["2024-05-01"])
    result = run_assets(
        instance,
        [NEW_CUSTOMERS, PREDICTIONS],
        "2024-05-01",
        raise_on_error=False,
    )
    evaluation = check_evaluations(result, NEW_CUSTOMERS)["schema_and_ranges"]
    assert not evaluation.passed and "| 4 | number_of_children | 7 | above 3 |" in (
        evaluation.metadata["issues"].value
    )
    assert not result.success
    assert not result.asset_materializations_for_node("predictions")
