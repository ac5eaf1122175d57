"""The data-contract rules on crafted bad files (plain functions, no Dagster)."""

import pandas as pd

from cookie_assets.contract import CUSTOMER_COLUMNS, ORDER_COLUMNS
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.validation import (
    KNOWN_CATEGORIES,
    ONE_ORDER_PER_CUSTOMER,
    SCHEMA_AND_RANGES,
    UNIQUE_CUSTOMER_ID,
    cohort_issues,
    customer_issues,
    is_blocking,
    order_issues,
    parse_csv,
)


def csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def good_cohort(n: int = 20):
    customers = generate_customers(n, 5)
    return customers, generate_orders(customers, 5)


def parsed_customers(frame: pd.DataFrame):
    typed, schema = parse_csv(csv(frame), CUSTOMER_COLUMNS)
    return typed, customer_issues(typed, schema)


def parsed_orders(frame: pd.DataFrame, customers: pd.DataFrame):
    typed_customers, _ = parse_csv(csv(customers), CUSTOMER_COLUMNS)
    typed, schema = parse_csv(csv(frame), ORDER_COLUMNS)
    return typed, order_issues(typed, typed_customers, schema)


def test_a_good_cohort_has_no_issues_and_keeps_umlaut_columns():
    customers, orders = good_cohort()
    typed_orders, issues = parsed_orders(orders, customers)
    assert list(typed_orders.columns)[:5] == ORDER_COLUMNS
    assert issues == {SCHEMA_AND_RANGES: [], ONE_ORDER_PER_CUSTOMER: []}
    assert not any(parsed_customers(customers)[1].values())
    assert typed_orders["source_line"].tolist() == list(range(2, 22))


def test_out_of_range_and_non_integer_values_name_their_lines():
    customers, _ = good_cohort()
    customers = customers.astype({"sweetness_like": object, "household_members": object})
    customers.loc[3, "sweetness_like"] = 11
    customers.loc[7, "household_members"] = "two"
    typed, issues = parsed_customers(customers)
    found = {(i.line, i.column, i.problem) for i in issues[SCHEMA_AND_RANGES]}
    assert found == {
        (5, "sweetness_like", "above 10"),
        (9, "household_members", "not an integer up to 1,000,000,000"),
    }
    assert pd.isna(typed.loc[7, "household_members"])


def test_negative_boxes_fail_the_orders_ranges():
    customers, orders = good_cohort()
    orders.loc[4, "Mandelbärli_boxes"] = -2
    _, issues = parsed_orders(orders, customers)
    [issue] = issues[SCHEMA_AND_RANGES]
    assert (issue.line, issue.column, issue.value, issue.problem) == (
        6,
        "Mandelbärli_boxes",
        "-2",
        "below 0",
    )


def test_missing_column_and_malformed_csv_fail_the_schema():
    customers, _ = good_cohort()
    _, issues = parsed_customers(customers.drop(columns=["favorite_season"]))
    assert any(
        i.column == "favorite_season" and i.problem == "missing column"
        for i in issues[SCHEMA_AND_RANGES]
    )
    typed, schema = parse_csv(b'customer_id,household_members\n"a,1\n', CUSTOMER_COLUMNS)
    assert typed.empty and schema[0].problem.startswith("malformed CSV")
    assert is_blocking(customer_issues(typed, schema))
    _, schema = parse_csv(b"\xff\xfe\x00bad", CUSTOMER_COLUMNS)
    assert schema[0].problem.startswith("malformed CSV")


def test_unexpected_extra_column_is_reported_but_not_blocking():
    customers, _ = good_cohort()
    typed, issues = parsed_customers(customers.assign(note="x"))
    assert [i.problem for i in issues[SCHEMA_AND_RANGES]] == ["unexpected column (ignored)"]
    assert not is_blocking(issues)
    assert "note" not in typed.columns


def test_unknown_category_and_duplicate_id():
    customers, _ = good_cohort()
    customers.loc[2, "favorite_color"] = "Red"
    customers.loc[9, "customer_id"] = customers.loc[1, "customer_id"]
    _, issues = parsed_customers(customers)
    assert [(i.line, i.value) for i in issues[KNOWN_CATEGORIES]] == [(4, "Red")]
    assert sorted(i.line for i in issues[UNIQUE_CUSTOMER_ID]) == [3, 11]


def test_customer_without_order_duplicate_order_and_stranger():
    customers, orders = good_cohort()
    missing = customers.loc[0, "customer_id"]
    orders = pd.concat([orders.iloc[1:], orders.iloc[[5]]], ignore_index=True)
    orders.loc[0, "customer_id"] = "not-a-trial-customer"
    _, issues = parsed_orders(orders, customers)
    problems = {(i.value, i.problem.split(" (")[0]) for i in issues[ONE_ORDER_PER_CUSTOMER]}
    assert (missing, "customer has no order row") in problems
    assert ("not-a-trial-customer", "unknown customer") in problems
    assert (orders.loc[4, "customer_id"], "more than one order row") in problems


def test_cohort_issues_recheck_stored_tables():
    customers, orders = good_cohort()
    typed_customers, _ = parse_csv(csv(customers), CUSTOMER_COLUMNS)
    typed_orders, _ = parse_csv(csv(orders), ORDER_COLUMNS)
    assert not is_blocking(cohort_issues(typed_customers, typed_orders))
    assert is_blocking(cohort_issues(typed_customers, typed_orders.iloc[1:]))
