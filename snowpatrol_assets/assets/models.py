"""One anomaly detector per warehouse, trained for exactly the partitions a run is given."""

from datetime import UTC, datetime
from functools import partial

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    BackfillPolicy,
    Config,
    MetadataValue,
    Output,
)
from pydantic import Field, field_validator

from mlops_common.model_store import ModelStore
from snowpatrol_assets.assets import groups
from snowpatrol_assets.assets.evaluation import EVALUATION_KEY
from snowpatrol_assets.detection.methods import DEFAULT_METHOD, METHODS
from snowpatrol_assets.feedback import AnomalyFeedback, known_anomalies
from snowpatrol_assets.partitions import warehouses
from snowpatrol_assets.sources import UsageSource
from snowpatrol_assets.usage.columns import ACCOUNT, USAGE_DATE, WAREHOUSE, WAREHOUSE_KEY

ANOMALY_RATE_CHECK = "training_anomaly_rate"
MAX_TRAINING_ANOMALY_RATE = 0.05
MODEL_COLUMNS = [
    WAREHOUSE_KEY,
    ACCOUNT,
    WAREHOUSE,
    "METHOD",
    "MODEL_VERSION",
    "TRAINING_DAYS",
    "TRAINING_ANOMALY_RATE",
    "TRAINED_AT",
    "MODEL_LOCATION",
]


class DetectorConfig(Config):
    method: str | None = Field(
        default=None,
        description="Leave empty to train with the champion of detector_evaluation "
        "(robust_baseline until an evaluation elects another). robust_baseline: trailing robust "
        "baseline. "
        "isolation_forest / robust_stl: the seed's Isolation Forest on a classical or robust-STL "
        "residual.",
    )

    @field_validator("method")
    @classmethod
    def _known_method(cls, method: str | None) -> str | None:
        if method is not None and method not in METHODS:
            raise ValueError(f"unknown detection method {method!r}; use one of {METHODS}")
        return method


@groups.table_asset(
    groups.MODELS,
    extra_kinds={"scikitlearn"},
    partitions_def=warehouses,
    backfill_policy=BackfillPolicy.single_run(),
    metadata={"partition_expr": WAREHOUSE_KEY},
    check_specs=[
        AssetCheckSpec(
            ANOMALY_RATE_CHECK,
            asset="warehouse_anomaly_models",
            description=f"A fresh model flags at most {MAX_TRAINING_ANOMALY_RATE:.0%} of its "
            "own training days that are not known anomalies (marked real by people, or injected "
            "by the simulated account); more means it would flood the report.",
        )
    ],
    deps=[EVALUATION_KEY],
)
def warehouse_anomaly_models(
    context: AssetExecutionContext,
    config: DetectorConfig,
    warehouse_daily_usage,
    model_store: ModelStore,
    usage_source: UsageSource,
    anomaly_feedback: AnomalyFeedback,
):
    """The anomaly detector of each warehouse, fitted on its daily credits and stored in the
    model store (a few hundred bytes each for the default method).

    Every partition a run is given is trained: the `retrain_on_drift` sensor decides which
    warehouses need it (new, no model, drifted), and a manual backfill retrains what it
    selects. The method is the champion elected by `detector_evaluation` unless the run's
    config names one. Each partition records its own model version, method and training figures:
    the training anomaly rate is the share of its training days, other than its known anomalies,
    that the fresh model flags.
    """
    import pandas as pd

    from mlops_common.parallel import map_by_key
    from snowpatrol_assets.usage.features import status_of, warehouse_series

    method = config.method or champion_method(context.instance)
    keys = set(context.partition_keys) & set(status_of(warehouse_daily_usage).active)
    rows, rates = [], {}
    trained_at = datetime.now(UTC).isoformat(timespec="seconds")
    series = list(warehouse_series(warehouse_daily_usage, keys))
    known = _known_days_by_warehouse(warehouse_daily_usage, usage_source, anomaly_feedback)
    fitted = map_by_key(
        partial(_fit_item, method=method),
        [(key, (credits, known.get(key, set()))) for key, _, _, credits in series],
    )
    with model_store.writer(context.run.run_id) as writer:
        for (key, account, name, _), (model, rate) in zip(series, fitted, strict=True):
            rates[key] = rate
            metadata = {
                "warehouse_key": key,
                "account": account,
                "warehouse": name,
                "method": method,
                "training_days": model.training_days,
                "training_anomaly_rate": round(rates[key], 4),
                "trained_at": trained_at,
            }
            version = writer.save(key, model, metadata)
            location = model_store.location(key)
            rows.append([key, account, name, method, version, model.training_days])
            rows[-1] += [rates[key], trained_at, location]
            context.add_asset_metadata(
                {**metadata, "model_version": version, "model_location": location},
                partition_key=key,
            )
    for key in sorted(set(context.partition_keys) - keys):
        context.log.warning(f"Warehouse {key!r} is not active (too little history, or dropped)")
    yield Output(pd.DataFrame(rows, columns=MODEL_COLUMNS))
    yield _anomaly_rate_result(rates)


def fit_with_training_rate(credits, method: str, known_days=frozenset()):
    """A warehouse's fitted detector and the share of its training days it flags, leaving out
    `known_days` (days known to be anomalous: flagging them is right)."""
    from snowpatrol_assets.detection import fit_detector, score_usage

    model = fit_detector(credits, method)
    flagged = score_usage(model, credits)["is_anomaly"]
    ordinary = flagged[~flagged.index.isin(list(known_days))]
    return model, float(ordinary.mean()) if len(ordinary) else 0.0


def _fit_item(credits_and_known_days, method: str):
    """`fit_with_training_rate` of one (credits, known days) item (run in a worker process)."""
    credits, known_days = credits_and_known_days
    return fit_with_training_rate(credits, method, known_days)


def _known_days_by_warehouse(matrix, usage_source, anomaly_feedback) -> dict[str, set]:
    """The known anomalous days of each warehouse over the matrix's days."""
    if matrix.empty:
        return {}
    first, last = matrix[USAGE_DATE].min(), matrix[USAGE_DATE].max()
    known = known_anomalies(
        anomaly_feedback.entries(), usage_source.labelled_anomalies(first, last)
    )
    by_warehouse: dict[str, set] = {}
    for key, day in known:
        by_warehouse.setdefault(key, set()).add(day)
    return by_warehouse


def champion_method(instance) -> str:
    """The method `detector_evaluation` last elected, or the default before any evaluation."""
    event = instance.get_latest_materialization_event(EVALUATION_KEY)
    return event.asset_materialization.metadata["champion"].value if event else DEFAULT_METHOD


def _anomaly_rate_result(rates: dict[str, float]) -> AssetCheckResult:
    too_high = {k: r for k, r in rates.items() if r > MAX_TRAINING_ANOMALY_RATE}
    return AssetCheckResult(
        check_name=ANOMALY_RATE_CHECK,
        passed=not too_high,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "models_trained": len(rates),
            "highest_rate": round(max(rates.values(), default=0.0), 4),
            "warehouses_over_limit": MetadataValue.json(
                {k: round(r, 4) for k, r in too_high.items()}
            ),
        },
    )
