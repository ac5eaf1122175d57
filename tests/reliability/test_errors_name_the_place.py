"""Errors name the file, line, column, warehouse or path, and say what to do."""

import pandas as pd
from dagster import DagsterInstance

from cookie_assets.contract import customers_file, orders_file
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.keys import ORDERS, TRIAL_CUSTOMERS
from tests.cookie.cookie_support import check_evaluations, landing_root, run_assets, write_csv
from tests.local_tables import local_count

DAY = "2024-03-01"


def upload(customers: pd.DataFrame | None, orders: pd.DataFrame | None) -> None:
    if customers is not None:
        write_csv(landing_root(), customers_file(DAY), customers)
    if orders is not None:
        write_csv(landing_root(), orders_file(DAY), orders)


def cohort(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = generate_customers(30, seed)
    return customers, generate_orders(customers, seed)


def failure_description(result) -> str:
    [failure] = [e for e in result.all_events if e.is_step_failure]
    return failure.step_failure_data.user_failure_data.description


def test_an_absurd_box_count_is_a_check_failure_naming_line_and_column():
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("cookie_cohorts", [DAY])
    customers, orders = cohort()
    orders = orders.astype({"Mandelbärli_boxes": object})
    orders.loc[4, "Mandelbärli_boxes"] = "99999999999999999999999"
    upload(customers, orders)
    result = run_assets(instance, [TRIAL_CUSTOMERS, ORDERS], DAY)
    issues = check_evaluations(result, ORDERS)["schema_and_ranges"].metadata["issues"].value
    assert "| 6 | Mandelbärli_boxes | 99999999999999999999999 | not an integer" in issues


def test_an_orders_reupload_without_its_customers_file_is_refused_naming_the_file():
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("cookie_cohorts", [DAY])
    customers, orders = cohort()
    upload(customers, orders)
    assert run_assets(instance, [TRIAL_CUSTOMERS, ORDERS], DAY).success
    stored = local_count("cookie", "orders")
    (landing_root() / customers_file(DAY)).unlink()
    orders["Läckerli_boxes"] = orders["Läckerli_boxes"] + 1
    upload(None, orders)
    result = run_assets(instance, [ORDERS], DAY, raise_on_error=False)
    assert not result.success
    message = failure_description(result)
    assert str(landing_root() / customers_file(DAY)) in message and "does not exist" in message
    assert local_count("cookie", "orders") == stored
    assert (
        local_count("cookie", "orders", '"Läckerli_boxes" > 0')
        == (orders["Läckerli_boxes"] - 1 > 0).sum()
    )
