"""The production landing zone against a moto S3 server on 127.0.0.1: discovery and reading."""

import boto3
import pandas as pd
from cookie_support import check_evaluations
from dagster import DagsterInstance, build_sensor_context, materialize

from cookie_assets.contract import customers_file, orders_file
from cookie_assets.definitions import ASSETS, defs
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.keys import ORDERS, TRIAL_CUSTOMERS
from cookie_assets.landing import S3LandingZone
from cookie_assets.resources import build_resources
from cookie_assets.sensors import cookie_landing_sensor

BUCKET = "cookie-landing"
PREFIX = "shop/landing"


def upload(endpoint: str) -> pd.DataFrame:
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    customers = generate_customers(25, 4)
    files = {
        customers_file("2024-04-01"): customers,
        orders_file("2024-04-01"): generate_orders(customers, 4),
        customers_file("2024-04-02"): generate_customers(5, 5),  # its orders are not there yet
        "orders/archive/2023-12-31_orders.csv": generate_orders(customers, 4),  # not a cohort
    }
    for name, frame in files.items():
        body = frame.to_csv(index=False).encode()
        client.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}", Body=body)
    client.put_object(Bucket=BUCKET, Key="elsewhere/orders/2024-04-09_orders.csv", Body=b"x")
    return customers


def test_s3_zone_lists_and_reads_files(moto_s3):
    customers = upload(moto_s3)
    zone = S3LandingZone(bucket=BUCKET, prefix=PREFIX, endpoint_url=moto_s3)
    assert zone.list_files("orders") == ["orders/2024-04-01_orders.csv"]
    assert zone.list_files("trial_customers") == [
        "trial_customers/2024-04-01_customers.csv",
        "trial_customers/2024-04-02_customers.csv",
    ]
    read = pd.read_csv(pd.io.common.BytesIO(zone.read_bytes(customers_file("2024-04-01"))))
    pd.testing.assert_frame_equal(read, customers)
    assert zone.describe("orders/x.csv") == f"s3://{BUCKET}/{PREFIX}/orders/x.csv"


def test_sensor_discovers_complete_cohorts_in_s3(moto_s3):
    upload(moto_s3)
    zone = S3LandingZone(bucket=BUCKET, prefix=PREFIX, endpoint_url=moto_s3)
    instance = DagsterInstance.ephemeral()
    result = cookie_landing_sensor(
        build_sensor_context(instance=instance, resources={"landing": zone})
    )
    assert [r.partition_key for r in result.run_requests] == ["2024-04-01"]
    assert list(result.dynamic_partitions_requests[0].partition_keys) == ["2024-04-01"]


def test_prod_landing_zone_from_env_loads_a_cohort_from_s3(moto_s3, monkeypatch):
    upload(moto_s3)
    local = build_resources()  # tables and alerts stay local; only the landing zone is production's
    monkeypatch.setenv("DAGSTER_DEPLOYMENT", "prod")
    monkeypatch.setenv("COOKIE_S3_BUCKET", BUCKET)
    monkeypatch.setenv("COOKIE_S3_PREFIX", PREFIX)
    monkeypatch.setenv("COOKIE_S3_ENDPOINT_URL", moto_s3)
    zone = defs().resources["landing"]
    assert isinstance(zone, S3LandingZone)
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("cookie_cohorts", ["2024-04-01"])
    result = materialize(
        ASSETS,
        selection=[TRIAL_CUSTOMERS, ORDERS],
        partition_key="2024-04-01",
        instance=instance,
        resources={**local, "landing": zone},
    )
    evaluation = check_evaluations(result, ORDERS)["one_order_per_customer"]
    assert evaluation.passed
    assert (
        evaluation.metadata["file"].value == f"s3://{BUCKET}/{PREFIX}/orders/2024-04-01_orders.csv"
    )
    [materialization] = result.asset_materializations_for_node("orders")
    assert materialization.metadata["rows"].value == 25
