"""Building a small Snowpatrol graph for a reliability test, on any usage source and IO manager."""

from datetime import date, timedelta

from dagster import AssetKey, DagsterInstance, RunConfig, materialize

from snowpatrol_assets.definitions import ASSETS
from snowpatrol_assets.partitions import warehouses
from snowpatrol_assets.sensors import RANGE_END, RANGE_START, warehouses_to_add

DAYS = [(date(2026, 3, 1) + timedelta(days=i)).isoformat() for i in range(35)]
INGEST = ["warehouse_metering", "warehouse_daily_usage", "warehouse_usage_features"]
SCORING = [
    "warehouse_anomaly_scores",
    "usage_anomalies",
    "anomaly_contributors",
    "month_end_outlook",
    "anomaly_report",
]


def run(instance, names, resources, tags=None, config=None, raise_on_error=True):
    """Materialises the named Snowpatrol assets with these resources."""
    return materialize(
        ASSETS,
        selection=[a for a in ASSETS if a.key.to_user_string() in names],
        instance=instance,
        resources=resources,
        tags=tags or {},
        run_config=config or RunConfig(),
        raise_on_error=raise_on_error,
    )


def build_graph(instance: DagsterInstance, resources: dict) -> list[str]:
    """Ingests DAYS, adds the warehouse partitions and trains every warehouse; returns keys."""
    run(instance, INGEST, resources, {RANGE_START: DAYS[0], RANGE_END: DAYS[-1]})
    event = instance.get_latest_materialization_event(AssetKey("warehouse_daily_usage"))
    usage = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    instance.add_dynamic_partitions(warehouses.name, warehouses_to_add(instance, usage))
    keys = instance.get_dynamic_partitions(warehouses.name)
    training = {RANGE_START: keys[0], RANGE_END: keys[-1]}
    run(instance, ["warehouse_anomaly_models"], resources, training)
    return keys
