"""The data generator: reproducible, within the contract, and with the original's behaviour."""

import pandas as pd
from cookie_support import landing_root, recent_days

from cookie_assets.contract import (
    BOX_COLUMNS,
    CATEGORIES,
    CUSTOMER_COLUMNS,
    NUMERIC_RANGES,
    ORDER_COLUMNS,
    TARGETS,
    customers_file,
    new_customers_file,
    orders_file,
    to_ascii,
)
from cookie_assets.generator import (
    generate_customers,
    generate_orders,
    main,
    seed_landing_folder,
    write_cohort,
)


def test_same_seed_same_cohort_other_seed_other_cohort():
    first, again, other = (generate_customers(200, s) for s in (7, 7, 8))
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(generate_orders(first, 7), generate_orders(again, 7))
    assert set(first["customer_id"]).isdisjoint(other["customer_id"])


def test_customers_and_orders_follow_the_contract():
    customers = generate_customers(500, 1)
    orders = generate_orders(customers, 1)
    assert list(customers.columns) == CUSTOMER_COLUMNS
    assert list(orders.columns) == ORDER_COLUMNS
    assert customers["customer_id"].is_unique
    assert (orders["customer_id"] == customers["customer_id"]).all()
    for column, (low, high) in NUMERIC_RANGES.items():
        assert customers[column].between(low, high).all()
        assert customers[column].min() == low and customers[column].max() == high
    for column, allowed in CATEGORIES.items():
        assert set(customers[column]) == set(allowed)
    assert (orders[BOX_COLUMNS] >= 0).all().all()
    assert orders[BOX_COLUMNS].dtypes.map(pd.api.types.is_integer_dtype).all()


def test_attributes_drive_the_box_counts_as_in_the_original():
    customers = generate_customers(4000, 3)
    orders = generate_orders(customers, 3)
    data = customers.join(orders[BOX_COLUMNS])
    red = data["favorite_color"] == "red"
    share = data["Läckerli_boxes"] / data[BOX_COLUMNS].sum(axis=1).clip(lower=1)
    assert share[red].mean() > 2 * share[~red].mean()
    sweet = data["sweetness_like"] >= 8
    sour = data["sweetness_like"] <= 2
    assert (
        data.loc[sweet, "Mandelbärli_boxes"].mean() > 5 * data.loc[sour, "Mandelbärli_boxes"].mean()
    )
    with_kids = data["number_of_children"] == 3
    without = data["number_of_children"] == 0
    brownie_share = data["Chocolate_Brownies_boxes"] / data[BOX_COLUMNS].sum(axis=1).clip(lower=1)
    assert brownie_share[with_kids].mean() > brownie_share[without].mean() + 0.05


def test_seeding_is_idempotent_and_never_overwrites(local_dagster_home):
    root = landing_root()
    written = seed_landing_folder(root)
    assert len([f for f in written if f.startswith("trial_customers/")]) >= 3
    assert len([f for f in written if f.startswith("orders/")]) >= 3
    assert any(f.startswith("new_customers/") for f in written)
    edited = root / written[0]
    edited.write_text("customer_id\nkept-by-hand\n")
    assert seed_landing_folder(root) == []
    assert edited.read_text() == "customer_id\nkept-by-hand\n"
    assert len(pd.read_csv(root / written[1])) == 300


def test_the_earliest_new_customers_order_later_in_a_cohort_of_their_own(local_dagster_home):
    root = landing_root()
    seed_landing_folder(root)
    day = recent_days()[-1]
    new = pd.read_csv(root / new_customers_file(day))
    customers = pd.read_csv(root / customers_file(day))
    orders = pd.read_csv(root / orders_file(day))
    pd.testing.assert_frame_equal(customers, new)
    assert list(orders["customer_id"]) == list(new["customer_id"])
    assert not (root / customers_file(recent_days()[0])).exists()  # the others have not yet


def test_generator_adds_a_cohort_per_day(tmp_path, capsys):
    main([str(tmp_path), "--day", "2024-02-01", "--customers", "50"])
    assert "orders/2024-02-01_orders.csv" in capsys.readouterr().out
    assert write_cohort(tmp_path, "2024-02-01", 50) == []  # already there: left alone
    assert len(pd.read_csv(tmp_path / "trial_customers/2024-02-01_customers.csv")) == 50


def test_ascii_names_are_explicit_and_distinct():
    assert to_ascii("Läckerli_boxes") == "Laeckerli_boxes"
    assert to_ascii("Mandelbärli_boxes") == "Mandelbaerli_boxes"
    names = TARGETS + CUSTOMER_COLUMNS
    assert all(to_ascii(name).isascii() for name in names)
    assert len({to_ascii(name).upper() for name in names}) == len(names)  # Snowflake names
