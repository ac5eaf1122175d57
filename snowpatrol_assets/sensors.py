"""Sensors: warehouse partitions follow the data, drift drives retraining."""

import json
from collections import Counter

from dagster import (
    AssetKey,
    DagsterEventType,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from snowpatrol_assets.assets.evaluation import EVALUATION_KEY
from snowpatrol_assets.jobs import train_warehouse_models
from snowpatrol_assets.partitions import warehouses
from snowpatrol_assets.retraining import contiguous_runs, retrain_reasons

USAGE_KEY = AssetKey("warehouse_daily_usage")
FEATURES_KEY = AssetKey("warehouse_usage_features")
MODELS_KEY = AssetKey("warehouse_anomaly_models")
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def latest_materialization(context: SensorEvaluationContext, key: AssetKey):
    """(storage id, metadata values) of the newest materialisation of `key` newer than the
    cursor, or None."""
    records = context.instance.fetch_materializations(key, limit=1).records
    if not records:
        return None
    record = records[0]
    seen = json.loads(context.cursor)["storage_id"] if context.cursor else -1
    if record.storage_id <= seen:
        return None
    metadata = {k: v.value for k, v in record.asset_materialization.metadata.items()}
    return record.storage_id, metadata


def warehouses_to_add(instance, usage_metadata: dict) -> list[str]:
    """Active warehouses of the usage data (see its metadata) that have no partition yet.

    A warehouse with under two weeks of history gets its partition once it can be modelled:
    a partition inside a model backfill's range is recorded as materialised even when the
    asset had nothing to train for it, and the retraining sensor would then take it for a
    warehouse that has a model."""
    known = set(instance.get_dynamic_partitions(warehouses.name))
    return [key for key in usage_metadata["active_warehouses"] if key not in known]


@sensor(
    name="warehouse_partition_sync",
    description="Adds a warehouse partition for every warehouse of the usage data with two "
    "weeks of history (enough to model it) and logs warehouses that look dropped (they are no "
    "longer scored).",
    asset_selection=[MODELS_KEY],
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
)
def warehouse_partition_sync(context: SensorEvaluationContext):
    latest = latest_materialization(context, USAGE_KEY)
    if latest is None:
        return SkipReason("No new warehouse_daily_usage materialisation")
    storage_id, metadata = latest
    new = warehouses_to_add(context.instance, metadata)
    for key, last_used in metadata["dropped_warehouses"].items():
        context.log.warning(f"Warehouse {key!r} dropped: no usage since {last_used}; not scored")
    if new:
        context.log.info(f"Adding warehouse partitions: {new}")
    return SensorResult(
        dynamic_partitions_requests=[warehouses.build_add_request(new)] if new else [],
        cursor=json.dumps({"storage_id": storage_id}),
    )


def champion_elected_at(instance) -> int | None:
    """Storage id of the latest detector evaluation if it promoted a new champion method."""
    records = instance.fetch_materializations(EVALUATION_KEY, limit=1).records
    if not records:
        return None
    decision = records[0].asset_materialization.metadata.get("decision")
    return records[0].storage_id if decision and decision.value == "promote" else None


@sensor(
    name="retrain_on_drift",
    description="The one place that decides which warehouses train: after new features, "
    "requests exactly the warehouses without a model, those whose usage drifted (under "
    "false-discovery-rate control) since their model was trained, and, after the detector "
    "evaluation promoted a new champion method, those trained with the old one.",
    job=train_warehouse_models,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
)
def retrain_on_drift(context: SensorEvaluationContext):
    latest = latest_materialization(context, FEATURES_KEY)
    if latest is None:
        return SkipReason("No new warehouse_usage_features materialisation")
    storage_id, metadata = latest
    trained_at = context.instance.get_latest_storage_id_by_partition(
        MODELS_KEY, DagsterEventType.ASSET_MATERIALIZATION
    )
    reasons = retrain_reasons(
        metadata["active_warehouses"],
        trained_at,
        set(metadata["drifted_warehouses"]),
        storage_id,
        champion_elected_at(context.instance),
    )
    cursor = json.dumps({"storage_id": storage_id})
    if not reasons:
        return SensorResult(skip_reason="No warehouse drifted or lacks a model", cursor=cursor)
    order = context.instance.get_dynamic_partitions(warehouses.name)
    waiting = [key for key in reasons if key not in order]
    if waiting:
        return SkipReason(f"Waiting for warehouse partitions to be added: {waiting[:5]}")
    why = Counter(reasons.values())
    context.log.info(
        f"Training {len(reasons)} warehouses ({', '.join(f'{r}: {n}' for r, n in why.items())})"
    )
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=f"features-{storage_id}-{first}",
                tags={RANGE_START: first, RANGE_END: last},
            )
            for first, last in contiguous_runs(set(reasons), order)
        ],
        cursor=cursor,
    )
