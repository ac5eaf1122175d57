"""One Isolation Forest per warehouse, retrained only when needed."""

from datetime import UTC, datetime

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    BackfillPolicy,
    Config,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from mlops_common.markdown import md_cell
from mlops_common.model_store import ModelNotFoundError, ModelStore
from mlops_common.storage import table_kinds
from snowpatrol_assets.partitions import warehouses
from snowpatrol_assets.retraining import retrain_reason
from snowpatrol_assets.usage.columns import ACCOUNT, WAREHOUSE, WAREHOUSE_KEY

GROUP = "snowpatrol_models"
ANOMALY_RATE_CHECK = "training_anomaly_rate"
MAX_TRAINING_ANOMALY_RATE = 0.05


class TrainingConfig(Config):
    force_retrain: bool = Field(
        default=False,
        description="Retrain every requested warehouse, even those without drift.",
    )


@asset(
    partitions_def=warehouses,
    backfill_policy=BackfillPolicy.single_run(),
    metadata={"partition_expr": WAREHOUSE_KEY},
    check_specs=[
        AssetCheckSpec(
            ANOMALY_RATE_CHECK,
            asset="warehouse_anomaly_models",
            description=f"A fresh model flags at most {MAX_TRAINING_ANOMALY_RATE:.0%} of its "
            "own training days; more means its threshold would flood the report.",
        )
    ],
    group_name=GROUP,
    kinds={"scikitlearn"} | table_kinds(),
)
def warehouse_anomaly_models(
    context: AssetExecutionContext,
    config: TrainingConfig,
    warehouse_usage_features,
    model_store: ModelStore,
):
    """The anomaly model of each warehouse: an Isolation Forest on its usage residual and the
    score below which a day is anomalous (mean - 3 std of its training scores).

    A warehouse is retrained when it has no model yet or its usage drifted (KS test), or when
    `force_retrain` is set; otherwise it keeps its current model. The table lists the model
    version each warehouse uses; the models live in the model store.
    """
    import pandas as pd

    from snowpatrol_assets.detection.anomalies import scored_days
    from snowpatrol_assets.detection.drift import ks_drift
    from snowpatrol_assets.detection.isolation_forest import fit_model
    from snowpatrol_assets.reporting.chart import training_chart
    from snowpatrol_assets.usage.features import residuals

    cards, rates = [], {}
    with model_store.writer(context.run_id) as writer:
        for key in context.partition_keys:
            days = residuals(warehouse_usage_features, key)
            if days.empty:
                context.log.warning(f"No features for warehouse {key!r} (dropped or too new)")
                continue
            try:
                current = model_store.load_latest(key)
            except ModelNotFoundError:
                current = None
            drifted = {key} if ks_drift(days["residual"]).drifted else set()
            reason = retrain_reason(key, drifted, current is not None, config.force_retrain)
            names = warehouse_usage_features.loc[
                warehouse_usage_features[WAREHOUSE_KEY] == key, [ACCOUNT, WAREHOUSE]
            ].iloc[0]
            if reason is None:
                cards.append(_card(key, names, current.version, current.metadata, False, "kept"))
                continue
            model = fit_model(days["residual"])
            training = scored_days(days, model)
            rates[key] = float(training["is_anomaly"].mean())
            metadata = {
                "warehouse_key": key,
                "anomaly_threshold": model.threshold,
                "training_days": model.training_days,
                "training_anomaly_rate": rates[key],
                "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "reason": reason,
            }
            chart = training_chart(days, training["score"], model.threshold, key)
            version = writer.save(key, model, metadata, files={"training.png": chart})
            context.log.info(f"Trained {key!r} ({reason}): version {version}")
            cards.append(_card(key, names, version, metadata, True, reason))
    table = pd.DataFrame(cards, columns=CARD_COLUMNS)
    table["MODEL_LOCATION"] = [model_store.location(k) for k in table[WAREHOUSE_KEY]]
    yield Output(
        table,
        metadata={
            "retrained": int(table["RETRAINED"].sum()),
            "kept": int((~table["RETRAINED"]).sum()),
            "models": MetadataValue.md(_cards_markdown(table)),
        },
    )
    yield _anomaly_rate_result(rates)


CARD_COLUMNS = [
    WAREHOUSE_KEY,
    ACCOUNT,
    WAREHOUSE,
    "MODEL_VERSION",
    "ANOMALY_THRESHOLD",
    "TRAINING_DAYS",
    "TRAINING_ANOMALY_RATE",
    "TRAINED_AT",
    "RETRAINED",
    "REASON",
]


def _card(key, names, version, metadata, retrained, reason) -> list:
    return [
        key,
        names[ACCOUNT],
        names[WAREHOUSE],
        version,
        float(metadata["anomaly_threshold"]),
        int(metadata["training_days"]),
        float(metadata["training_anomaly_rate"]),
        metadata["trained_at"],
        retrained,
        reason,
    ]


def _cards_markdown(table) -> str:
    lines = ["| Warehouse | Version | Threshold | Training days | Why |", "|---|---|---:|---:|---|"]
    lines += [
        f"| {md_cell(row[WAREHOUSE_KEY])} | {row['MODEL_VERSION']} "
        f"| {row['ANOMALY_THRESHOLD']:.3f} | {row['TRAINING_DAYS']} | {row['REASON']} |"
        for _, row in table.iterrows()
    ]
    return "\n".join(lines)


def _anomaly_rate_result(rates: dict[str, float]) -> AssetCheckResult:
    too_high = {k: r for k, r in rates.items() if r > MAX_TRAINING_ANOMALY_RATE}
    return AssetCheckResult(
        check_name=ANOMALY_RATE_CHECK,
        passed=not too_high,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "models_trained": len(rates),
            "highest_rate": max(rates.values(), default=0.0),
            "warehouses_over_limit": MetadataValue.json(
                {k: round(r, 4) for k, r in too_high.items()}
            ),
        },
    )
