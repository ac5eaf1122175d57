"""The cookie models watched after release: new customers against the training customers, and
the accuracy of predictions once the predicted customers have ordered."""

import warnings
from collections.abc import Iterator

from dagster import (
    AllPartitionMapping,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetIn,
    AutomationCondition,
    Config,
    MetadataValue,
    Output,
    PreviewWarning,
    asset,
    asset_check,
)
from pydantic import Field

from cookie_assets.assets.models import champion_name
from cookie_assets.checks import (
    FEATURE_DRIFT,
    FEATURE_DRIFT_DESCRIPTION,
    REALISED_MAE_WITHIN_CV,
    drift_check_result,
    realised_mae_spec,
)
from cookie_assets.contract import (
    CATEGORICAL_FEATURES,
    CUSTOMER_ID,
    NUMERIC_FEATURES,
)
from cookie_assets.frames import Frame
from cookie_assets.keys import NEW_CUSTOMERS, TRAINING_DATA
from cookie_assets.location import TABLES_POOL
from cookie_assets.partitions import prediction_days
from mlops_common.figures import markdown_image, new_figure, png_bytes
from mlops_common.model_store import ModelNotFoundError, ModelStore

GROUP = "cookie_monitoring"

# Eager, except that predictions and orders are never complete (a daily calendar, cohorts as
# they come): it waits only until each of them has been materialised once.
AFTER_NEW_PREDICTIONS_OR_ORDERS = AutomationCondition.eager().replace(
    "any_deps_missing",
    (~AutomationCondition.all_deps_match(~AutomationCondition.missing())).with_label(
        "a dependency was never materialised"
    ),
)

with warnings.catch_warnings():  # partitioned checks are a preview feature, chosen knowingly
    warnings.simplefilter("ignore", PreviewWarning)

    @asset_check(
        asset=NEW_CUSTOMERS,
        name=FEATURE_DRIFT,
        description=FEATURE_DRIFT_DESCRIPTION,
        partitions_def=prediction_days,
        additional_ins={"training_data": AssetIn(TRAINING_DATA)},
    )
    def new_customers_feature_drift(new_customers: Frame, training_data: Frame) -> AssetCheckResult:
        """The day's new customers against the training customers (train split)."""
        from cookie_assets.modeling.data import split_frames
        from cookie_assets.monitoring.drift import column_drift, unseen_category_shares

        train, _ = split_frames(training_data)
        report = column_drift(train, new_customers, NUMERIC_FEATURES, CATEGORICAL_FEATURES)
        unseen = unseen_category_shares(train, new_customers, CATEGORICAL_FEATURES)
        return drift_check_result(
            FEATURE_DRIFT,
            report,
            len(train),
            len(new_customers),
            {
                "unknown_category_share": unseen.pop("any"),
                "unknown_category_share_by_feature": MetadataValue.json(unseen),
            },
        )


class RealisedAccuracyConfig(Config):
    max_mae_ratio: float = Field(
        default=1.5,
        description="How many times its cross-validated MAE a champion version's realised MAE "
        "may reach before realised_mae_within_cv warns.",
    )
    min_customers: int = Field(
        default=20,
        description="Customers a target and version needs before its realised MAE is judged "
        "(fewer are reported, but too few to tell bad luck from a worse model).",
    )


def accuracy_chart(table: Frame) -> bytes:
    """Realised against cross-validated MAE per target and version, as PNG."""
    import numpy as np

    from cookie_assets.monitoring.accuracy import MAE
    from cookie_assets.monitoring.columns import CV_MAE, MODEL_VERSION, TARGET

    labels = table[TARGET].str.removesuffix("_boxes") + " " + table[MODEL_VERSION]
    x = np.arange(len(table))
    figure, axis = new_figure(figsize=(7, 3))
    axis.bar(x - 0.2, table[CV_MAE], width=0.4, label="cross-validated", color="#c8a27a")
    axis.bar(x + 0.2, table[MAE], width=0.4, label="realised", color="#b5651d")
    axis.set_xticks(x, labels.str.replace("_", " "), rotation=20, ha="right")
    axis.set_ylabel("MAE (boxes per customer)")
    axis.set_title("Prediction error on customers who have since ordered")
    axis.legend()
    return png_bytes(figure)


def _log_to_model_store(
    context: AssetExecutionContext, model_store: ModelStore, table: Frame
) -> None:
    """The realised figures on each champion version, next to its training figures."""
    from cookie_assets.monitoring.accuracy import BIAS, CUSTOMERS, MAE
    from cookie_assets.monitoring.columns import MODEL_VERSION, TARGET

    for row in table.itertuples(index=False):
        metrics = {
            "realised_customers": int(getattr(row, CUSTOMERS)),
            "realised_mae": float(getattr(row, MAE)),
            "realised_bias": float(getattr(row, BIAS)),
        }
        target, version = getattr(row, TARGET), getattr(row, MODEL_VERSION)
        try:
            model_store.log_metrics(champion_name(target), version, metrics)
        except ModelNotFoundError as error:
            context.log.warning(f"realised accuracy of {target} {version} not stored: {error}")


@asset(
    group_name=GROUP,
    kinds={"pandas"},
    pool=TABLES_POOL,
    ins={  # every day's predictions and every cohort's orders
        "predictions": AssetIn(partition_mapping=AllPartitionMapping()),
        "orders": AssetIn(partition_mapping=AllPartitionMapping()),
    },
    check_specs=[realised_mae_spec],
    automation_condition=AFTER_NEW_PREDICTIONS_OR_ORDERS,
)
def realised_accuracy(
    context: AssetExecutionContext,
    config: RealisedAccuracyConfig,
    predictions: Frame,
    orders: Frame,
    model_store: ModelStore,
) -> Iterator:
    """How far off the predictions were for customers who have since ordered (their orders
    arrived in a cohort file of the day they were predicted or later): per target and champion
    version the customers, mean absolute error, bias (above zero: the plans baked too much) and
    the cross-validated MAE the version promised. Also recorded on each model version in the
    model store (the Snowflake Model Registry in prod)."""
    from cookie_assets.monitoring.accuracy import (
        MAE_RATIO,
        accuracy_by_version,
        beyond_cv,
        judged,
        realised_pairs,
    )
    from cookie_assets.monitoring.columns import MODEL_VERSION, TARGET

    pairs = realised_pairs(predictions, orders)
    table = accuracy_by_version(pairs)
    _log_to_model_store(context, model_store, table)
    metadata = {
        "customers": int(pairs[CUSTOMER_ID].nunique()),
        "largest_mae_ratio": float(table[MAE_RATIO].max()),  # NaN while nobody has ordered
    }
    if not table.empty:
        rounded = table.round(3).to_markdown(index=False)
        chart = markdown_image(accuracy_chart(table), "realised vs cross-validated MAE")
        metadata["accuracy"] = MetadataValue.md(f"{rounded}\n\n{chart}")
    yield Output(table, metadata=metadata)
    enough = judged(table, config.min_customers)
    beyond = beyond_cv(enough, config.max_mae_ratio)
    named = [
        f"{target} {version} ({ratio:.2f}×)"
        for target, version, ratio in zip(
            beyond[TARGET], beyond[MODEL_VERSION], beyond[MAE_RATIO], strict=True
        )
    ]
    yield AssetCheckResult(
        check_name=REALISED_MAE_WITHIN_CV,
        passed=beyond.empty,
        severity=AssetCheckSeverity.WARN,
        description=f"realised MAE above {config.max_mae_ratio}× the CV MAE: {', '.join(named)}"
        if named
        else f"{len(enough)} of {len(table)} target versions judged, all within "
        f"{config.max_mae_ratio}× their CV MAE",
        metadata={
            "targets_beyond": MetadataValue.json(sorted(set(beyond[TARGET]))),
            "max_mae_ratio": config.max_mae_ratio,
            "min_customers": config.min_customers,
            "judged": len(enough),
        },
    )
