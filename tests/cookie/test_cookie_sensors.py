"""Sensors on the local landing folder: cohort discovery, new customers, retraining."""

from cookie_support import landing_root, recent_days, run_assets, write_csv
from dagster import (
    AssetMaterialization,
    DagsterInstance,
    RunRequest,
    SkipReason,
    build_sensor_context,
)

from cookie_assets.contract import customers_file, new_customers_file, orders_file
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.keys import NEW_CUSTOMERS, ORDERS, TRAINING_DATA, TRIAL_CUSTOMERS
from cookie_assets.landing import LocalLandingZone
from cookie_assets.sensors import (
    cookie_landing_sensor,
    cookie_new_customers_sensor,
    cookie_retrain_sensor,
)


def zone() -> LocalLandingZone:
    return LocalLandingZone(root=str(landing_root()), seed_demo_data=False)


def land_cohort(day: str, with_orders: bool = True) -> None:
    customers = generate_customers(10, 1)
    write_csv(landing_root(), customers_file(day), customers)
    if with_orders:
        write_csv(landing_root(), orders_file(day), generate_orders(customers, 1))


def test_a_cohort_becomes_a_partition_once_both_files_have_landed():
    instance = DagsterInstance.ephemeral()
    land_cohort("2024-02-01")
    land_cohort("2024-02-02", with_orders=False)
    write_csv(landing_root(), "orders/notes.csv", generate_customers(1, 1))  # not a cohort file
    context = build_sensor_context(instance=instance, resources={"landing": zone()})
    result = cookie_landing_sensor(context)
    [add] = result.dynamic_partitions_requests
    assert add.partitions_def_name == "cookie_cohorts" and list(add.partition_keys) == [
        "2024-02-01"
    ]
    assert [(r.partition_key, r.run_key) for r in result.run_requests] == [
        ("2024-02-01", "cohort-2024-02-01")
    ]
    instance.add_dynamic_partitions("cookie_cohorts", ["2024-02-01"])
    land_cohort("2024-02-02")  # the orders arrive later
    result = cookie_landing_sensor(
        build_sensor_context(instance=instance, resources={"landing": zone()})
    )
    assert [r.partition_key for r in result.run_requests] == ["2024-02-02"]


def test_seeded_demo_folder_yields_the_demo_cohorts_and_a_later_one():
    instance = DagsterInstance.ephemeral()
    seeded = LocalLandingZone(root=str(landing_root()))  # seeds on first use
    result = cookie_landing_sensor(
        build_sensor_context(instance=instance, resources={"landing": seeded})
    )
    assert [r.partition_key for r in result.run_requests] == [
        "2024-01-01",
        "2024-01-02",
        "2024-01-03",
        "2024-01-04",
        recent_days()[-1],  # the orders of that day's new customers
    ]


def test_new_customer_files_add_their_day_and_load_it_unless_already_loaded():
    instance = DagsterInstance.ephemeral()
    for day in ["2024-05-01", "2024-05-02", "2999-01-01"]:
        write_csv(landing_root(), new_customers_file(day), generate_customers(5, 2))
    instance.report_runless_asset_event(
        AssetMaterialization(asset_key=NEW_CUSTOMERS, partition="2024-05-01")
    )
    context = build_sensor_context(instance=instance, resources={"landing": zone()})
    result = cookie_new_customers_sensor(context)
    [add] = result.dynamic_partitions_requests  # a day not over yet (2999-01-01) waits
    assert add.partitions_def_name == "cookie_prediction_days"
    assert list(add.partition_keys) == ["2024-05-01", "2024-05-02"]
    assert [(r.partition_key, r.run_key) for r in result.run_requests] == [
        ("2024-05-02", "new-customers-2024-05-02")
    ]
    instance.add_dynamic_partitions("cookie_prediction_days", ["2024-05-01", "2024-05-02"])
    again = cookie_new_customers_sensor(context)
    assert not again.dynamic_partitions_requests


def test_new_orders_trigger_one_retrain():
    instance = DagsterInstance.ephemeral()
    skip = cookie_retrain_sensor(build_sensor_context(instance=instance))
    assert isinstance(skip, SkipReason)
    for day in ["2024-02-01", "2024-02-02"]:
        land_cohort(day)
        instance.add_dynamic_partitions("cookie_cohorts", [day])
        run_assets(instance, [TRIAL_CUSTOMERS, ORDERS], day)
    request = cookie_retrain_sensor(build_sensor_context(instance=instance))
    assert isinstance(request, RunRequest) and request.run_key.startswith("orders-")
    assert cookie_retrain_sensor.job_name == "cookie_retrain"
    run_assets(instance, [TRAINING_DATA])  # e.g. what `make run` did
    again = cookie_retrain_sensor(build_sensor_context(instance=instance))
    assert isinstance(again, SkipReason) and "already includes" in again.skip_message
