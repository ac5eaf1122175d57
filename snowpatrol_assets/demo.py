"""Materialises the whole Snowpatrol graph for the simulated account, as a user would."""

from datetime import date, timedelta

from dagster import AssetKey, DagsterInstance, RunConfig, build_sensor_context, materialize

from mlops_common.run_logging import QUIET_CONSOLE
from snowpatrol_assets.assets.models import DetectorConfig
from snowpatrol_assets.definitions import ASSETS
from snowpatrol_assets.detection.methods import DEFAULT_METHOD
from snowpatrol_assets.partitions import usage_days, warehouses
from snowpatrol_assets.resources import build_resources
from snowpatrol_assets.sensors import RANGE_END, RANGE_START, retrain_on_drift, warehouses_to_add
from snowpatrol_assets.simulation import configured_fleet, injected_anomalies
from snowpatrol_assets.usage.columns import warehouse_key

INGEST = [
    "warehouse_metering",
    "warehouse_daily_usage",
    "warehouse_usage_features",
    "detector_evaluation",
]
SCORING = [
    "warehouse_anomaly_models",
    "warehouse_anomaly_scores",
    "usage_anomalies",
    "anomaly_contributors",
    "month_end_outlook",
]


def materialize_local_demo(
    instance: DagsterInstance, days: list[str] | None = None, method: str = DEFAULT_METHOD
) -> list[str]:
    """Ingests the usage days (default: all), adds the warehouse partitions, trains, scores and
    reports. Returns summary lines: where the report is and which anomalies it names.
    `method` is the detection method (see DetectorConfig).
    """
    days = days or usage_days.get_partition_keys()
    materialize_pipeline(instance, days, method)
    report = _metadata(instance, "anomaly_report")
    labels = _injected_labels(days[0], days[-1])
    lines = [
        f"Snowpatrol: {len(days)} usage days, "
        f"{len(instance.get_dynamic_partitions(warehouses.name))} warehouses, "
        f"{report['anomaly_count']} anomalies in the report window",
        f"Report: {report['report_path']}",
    ]
    lines += [
        f"  {a['account']} / {a['warehouse']} on {a['day']}: {a['excess']:+.1f} credits, "
        f"{a['excess_cost']:,.2f} {a['currency']} "
        f"({labels.get((a['key'], a['day']), 'not an injected anomaly')})"
        for a in report["anomalies"]
    ]
    return lines


def materialize_pipeline(
    instance: DagsterInstance,
    days: list[str],
    method: str = DEFAULT_METHOD,
    resources: dict | None = None,
    evaluate: bool = True,
) -> None:
    """The three runs of the demo: ingest the usage days (with features and the detector
    evaluation), add the warehouse partitions and train and score them all, then the report.
    `resources` replace the local defaults (benchmarks feed the same pipeline other data);
    `evaluate=False` leaves out the weekly detector evaluation (models use the default method)."""
    resources = {**build_resources(), **(resources or {})}
    ingest = INGEST if evaluate else [name for name in INGEST if name != "detector_evaluation"]
    _run(instance, ingest, {RANGE_START: days[0], RANGE_END: days[-1]}, resources)
    _add_warehouse_partitions(instance)
    keys = instance.get_dynamic_partitions(warehouses.name)
    detector = RunConfig(
        {"warehouse_anomaly_models": DetectorConfig(method=method)}, loggers=QUIET_CONSOLE
    )
    _run(instance, SCORING, {RANGE_START: keys[0], RANGE_END: keys[-1]}, resources, detector)
    _run(instance, ["anomaly_report"], {}, resources)


def materialize_next_day(
    instance: DagsterInstance, day: str, resources: dict | None = None
) -> list[str]:
    """What the automation does once `day` has landed, after `materialize_pipeline`: ingest
    the day (matrix and features follow), add new warehouse partitions, train the warehouses
    `retrain_on_drift` requests (new, drifted, or trained before a new champion), then score,
    explain and report. Returns the warehouse keys it trained."""
    resources = {**build_resources(), **(resources or {})}
    daily = [name for name in INGEST if name != "detector_evaluation"]
    _run(instance, daily, {RANGE_START: day, RANGE_END: day}, resources)
    _add_warehouse_partitions(instance)
    decision = retrain_on_drift(build_sensor_context(instance=instance))
    requests = getattr(decision, "run_requests", None) or []
    keys = instance.get_dynamic_partitions(warehouses.name)
    trained = []
    for request in requests:
        first, last = request.tags[RANGE_START], request.tags[RANGE_END]
        trained += keys[keys.index(first) : keys.index(last) + 1]
        _run(instance, ["warehouse_anomaly_models"], request.tags, resources)
    _run(instance, [name for name in SCORING if name != "warehouse_anomaly_models"], {}, resources)
    _run(instance, ["anomaly_report"], {}, resources)
    return trained


def _add_warehouse_partitions(instance: DagsterInstance) -> None:
    """The warehouse partitions `warehouse_partition_sync` would add after the usage matrix."""
    instance.add_dynamic_partitions(
        warehouses.name, warehouses_to_add(instance, _metadata(instance, "warehouse_daily_usage"))
    )


def _metadata(instance: DagsterInstance, asset: str) -> dict:
    event = instance.get_latest_materialization_event(AssetKey(asset))
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def _injected_labels(first_day: str, last_day: str) -> dict[tuple[str, str], str]:
    """What the simulated account injected, keyed by (warehouse key, day)."""
    labels = injected_anomalies(
        date.fromisoformat(first_day),
        date.fromisoformat(last_day) + timedelta(days=1),
        configured_fleet(),
    )
    return {
        (warehouse_key(row.ACCOUNT_NAME, row.WAREHOUSE_ID), f"{row.USAGE_DATE:%Y-%m-%d}"): (
            f"injected {row.KIND}"
        )
        for row in labels.itertuples()
    }


def _run(instance, names, tags, resources, run_config=None):
    selected = [a for a in ASSETS if a.key.to_user_string() in names]
    result = materialize(
        ASSETS,
        selection=selected,
        instance=instance,
        tags=tags,
        resources=resources,
        run_config=run_config or RunConfig(loggers=QUIET_CONSOLE),
    )
    if not result.success:
        raise RuntimeError(f"Materialising {names} failed; see the run in the Dagster UI")
