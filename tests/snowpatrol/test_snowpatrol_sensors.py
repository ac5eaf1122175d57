"""Sensors and the schedule, evaluated with built contexts against a real (ephemeral) instance."""

from datetime import datetime

import pytest
from dagster import (
    AssetMaterialization,
    DagsterInstance,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)

from snowpatrol_assets.partitions import warehouses
from snowpatrol_assets.schedules import daily_metering_refresh
from snowpatrol_assets.sensors import (
    RANGE_END,
    RANGE_START,
    retrain_on_drift,
    warehouse_partition_sync,
)

A, B, C, D = "ACME/1", "ACME/2", "ACME/3", "ACME/4"


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as instance:
        yield instance


def record(instance, asset: str, **metadata):
    instance.report_runless_asset_event(AssetMaterialization(asset_key=asset, metadata=metadata))


def usage_metadata(active, short=(), dropped=None):
    return {
        "active_warehouses": list(active),
        "short_history_warehouses": dict.fromkeys(short, 9),
        "dropped_warehouses": dropped or {},
    }


def test_partition_sync_adds_modellable_warehouses_once_and_skips_short_and_dropped(instance):
    record(
        instance,
        "warehouse_daily_usage",
        **usage_metadata([A, B], short=[C], dropped={D: "2026-01-01"}),
    )
    result = warehouse_partition_sync(build_sensor_context(instance=instance))
    (request,) = result.dynamic_partitions_requests
    assert request.partitions_def_name == warehouses.name
    assert list(request.partition_keys) == [A, B]  # C is too short to model: not yet
    instance.add_dynamic_partitions(warehouses.name, list(request.partition_keys))

    again = warehouse_partition_sync(build_sensor_context(instance=instance, cursor=result.cursor))
    assert isinstance(again, SkipReason)  # nothing new materialised since
    record(instance, "warehouse_daily_usage", **usage_metadata([A, B, C]))  # C has two weeks
    later = warehouse_partition_sync(build_sensor_context(instance=instance, cursor=result.cursor))
    (request,) = later.dynamic_partitions_requests
    assert list(request.partition_keys) == [C]


def features_event(instance, active, drifted=()):
    record(
        instance,
        "warehouse_usage_features",
        active_warehouses=list(active),
        drifted_warehouses=list(drifted),
    )


def mark_trained(instance, keys):
    for key in keys:
        instance.report_runless_asset_event(
            AssetMaterialization(asset_key="warehouse_anomaly_models", partition=key)
        )


def test_retraining_requests_exactly_the_new_and_drifted_warehouses(instance):
    instance.add_dynamic_partitions(warehouses.name, [A, B, C, D])
    mark_trained(instance, [A, B, C])
    features_event(instance, [A, B, C, D], drifted=[B])
    result = retrain_on_drift(build_sensor_context(instance=instance))
    ranges = [(r.tags[RANGE_START], r.tags[RANGE_END]) for r in result.run_requests]
    assert ranges == [(B, B), (D, D)]  # drifted B and new D, never C in between
    assert all(r.run_key.startswith("features-") for r in result.run_requests)


def test_a_model_trained_after_the_drift_evidence_is_not_retrained(instance):
    instance.add_dynamic_partitions(warehouses.name, [A, B])
    features_event(instance, [A, B], drifted=[B])
    mark_trained(instance, [A, B])  # e.g. `make run` trained them after that features run
    result = retrain_on_drift(build_sensor_context(instance=instance))
    assert result.run_requests == []


def test_no_run_when_nothing_drifted_and_every_warehouse_has_a_model(instance):
    instance.add_dynamic_partitions(warehouses.name, [A, B])
    mark_trained(instance, [A, B])
    features_event(instance, [A, B])
    result = retrain_on_drift(build_sensor_context(instance=instance))
    assert result.run_requests == [] and "No warehouse drifted" in result.skip_reason.skip_message


def test_retraining_waits_for_partitions_without_losing_the_event(instance):
    features_event(instance, [A])
    waiting = retrain_on_drift(build_sensor_context(instance=instance))
    assert isinstance(waiting, SkipReason) and A in waiting.skip_message
    instance.add_dynamic_partitions(warehouses.name, [A])
    result = retrain_on_drift(build_sensor_context(instance=instance))
    assert result.run_requests[0].tags[RANGE_START] == A


def test_a_new_champion_method_retrains_every_model_trained_before_its_election(instance):
    instance.add_dynamic_partitions(warehouses.name, [A, B, C])
    mark_trained(instance, [A, B])
    record(instance, "detector_evaluation", champion="robust_stl", decision="keep")
    features_event(instance, [A, B])
    kept = retrain_on_drift(build_sensor_context(instance=instance))
    assert kept.run_requests == []  # an evaluation that keeps the champion retrains nothing

    record(instance, "detector_evaluation", champion="isolation_forest", decision="promote")
    mark_trained(instance, [C])  # trained after the election: already on the new champion
    features_event(instance, [A, B, C])
    result = retrain_on_drift(build_sensor_context(instance=instance, cursor=kept.cursor))
    ranges = [(r.tags[RANGE_START], r.tags[RANGE_END]) for r in result.run_requests]
    assert ranges == [(A, B)]


def test_drift_retrains_only_what_survives_the_false_discovery_rate_control(instance):
    from snowpatrol_assets.detection import drifted_warehouses
    from snowpatrol_assets.detection.drift import DriftResult

    keys = [f"ACME/{i}" for i in range(1, 101)]
    instance.add_dynamic_partitions(warehouses.name, keys)
    mark_trained(instance, keys)
    # 100 warehouses: one clear drift, four p-values under 0.05 that chance alone explains
    p_values = dict.fromkeys(keys, 0.6) | {keys[0]: 1e-6} | dict.fromkeys(keys[1:5], 0.03)
    drift = {key: DriftResult(0.5, p, p < 0.05, 7, 400) for key, p in p_values.items()}
    features_event(instance, keys, drifted=sorted(drifted_warehouses(drift).drifted))
    result = retrain_on_drift(build_sensor_context(instance=instance))
    ranges = [(r.tags[RANGE_START], r.tags[RANGE_END]) for r in result.run_requests]
    assert ranges == [(keys[0], keys[0])]


def test_daily_schedule_refreshes_the_last_three_days_in_one_run():
    context = build_schedule_context(scheduled_execution_time=datetime(2026, 11, 25, 7))
    request = daily_metering_refresh(context)
    assert (request.tags[RANGE_START], request.tags[RANGE_END]) == ("2026-11-22", "2026-11-24")
