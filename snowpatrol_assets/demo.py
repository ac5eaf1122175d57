"""Materialises the whole Snowpatrol graph for the simulated account, as a user would."""

from dagster import AssetKey, DagsterInstance, materialize

from snowpatrol_assets.definitions import ASSETS, defs
from snowpatrol_assets.partitions import usage_days, warehouses
from snowpatrol_assets.sensors import RANGE_END, RANGE_START

INGEST = ["warehouse_metering", "warehouse_daily_usage", "warehouse_usage_features"]
SCORING = ["warehouse_anomaly_models", "warehouse_anomaly_scores", "usage_anomalies"]


def materialize_local_demo(instance: DagsterInstance) -> list[str]:
    """Ingests every usage day, adds the warehouse partitions, trains, scores and reports.

    Returns summary lines: where the report is and which anomalies it names.
    """
    resources = defs.resources
    days = usage_days.get_partition_keys()
    _run(instance, INGEST, {RANGE_START: days[0], RANGE_END: days[-1]}, resources)
    usage = instance.get_latest_materialization_event(AssetKey("warehouse_daily_usage"))
    metadata = usage.asset_materialization.metadata
    present = [*metadata["active_warehouses"].value, *metadata["short_history_warehouses"].value]
    known = set(instance.get_dynamic_partitions(warehouses.name))
    instance.add_dynamic_partitions(warehouses.name, [k for k in present if k not in known])
    keys = instance.get_dynamic_partitions(warehouses.name)
    _run(instance, SCORING, {RANGE_START: keys[0], RANGE_END: keys[-1]}, resources)
    _run(instance, ["anomaly_report"], {}, resources)
    report = instance.get_latest_materialization_event(AssetKey("anomaly_report"))
    report_meta = report.asset_materialization.metadata
    anomalies = report_meta["anomalies"].value
    lines = [
        f"Snowpatrol: {len(days)} usage days, {len(keys)} warehouses, "
        f"{report_meta['anomaly_count'].value} anomalies in the report window",
        f"Report: {report_meta['report_path'].value}",
    ]
    lines += [
        f"  {a['account']}/{a['warehouse']} on {a['day']}: {a['excess']:+.1f} credits"
        for a in anomalies
    ]
    return lines


def _run(instance, names, tags, resources):
    selected = [a for a in ASSETS if a.key.to_user_string() in names]
    result = materialize(
        ASSETS, selection=selected, instance=instance, tags=tags, resources=resources
    )
    if not result.success:
        raise RuntimeError(f"Materialising {names} failed; see the run in the Dagster UI")
