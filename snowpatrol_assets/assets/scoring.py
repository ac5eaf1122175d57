"""Daily scores of every active warehouse and the table of anomalous days."""

from dagster import AssetExecutionContext, AutomationCondition, Failure, Output, asset

from mlops_common.model_store import ModelNotFoundError, ModelStore
from mlops_common.storage import table_kinds
from snowpatrol_assets.usage.columns import ACCOUNT, USAGE_DATE, WAREHOUSE, WAREHOUSE_KEY

GROUP = "snowpatrol_scoring"
SCORE_COLUMNS = {
    "credits": "CREDITS_USED",
    "expected": "EXPECTED_CREDITS",
    "excess": "EXCESS_CREDITS",
    "score": "ANOMALY_SCORE",
    "threshold": "ANOMALY_THRESHOLD",
    "is_anomaly": "IS_ANOMALY",
}


@asset(
    automation_condition=AutomationCondition.eager(),
    group_name=GROUP,
    kinds=table_kinds() | {"scikitlearn"},
)
def warehouse_anomaly_scores(
    context: AssetExecutionContext,
    warehouse_usage_features,
    warehouse_anomaly_models,
    model_store: ModelStore,
) -> Output:
    """Every day of every active warehouse scored by its latest model: credits used, expected
    credits (trend + weekly pattern), excess credits, anomaly score and whether it is anomalous.

    A warehouse the models table lists must have its model in the store: a missing or
    unreadable model fails the run naming the warehouse and the store location, rather than
    quietly scoring fewer warehouses.
    """
    import pandas as pd

    from snowpatrol_assets.detection.anomalies import scored_days
    from snowpatrol_assets.usage.features import residuals

    frames = []
    modelled = set(warehouse_anomaly_models[WAREHOUSE_KEY])
    for key in warehouse_usage_features[WAREHOUSE_KEY].unique():
        if key not in modelled:
            context.log.warning(f"Warehouse {key!r} has no model yet; train it to score it")
            continue
        try:
            stored = model_store.load_latest(key)
        except ModelNotFoundError as error:
            raise Failure(
                f"Warehouse {key!r} has a model in warehouse_anomaly_models, but the model store "
                f"has none at {model_store.location(key)} ({error}). Restore the store, or "
                "retrain the warehouse (train_warehouse_models with force_retrain)."
            ) from error
        days = scored_days(residuals(warehouse_usage_features, key), stored.model)
        frame = days.rename(columns=SCORE_COLUMNS).rename_axis(USAGE_DATE).reset_index()
        names = warehouse_usage_features.loc[warehouse_usage_features[WAREHOUSE_KEY] == key]
        frame.insert(0, ACCOUNT, names[ACCOUNT].iloc[0])
        frame.insert(1, WAREHOUSE, names[WAREHOUSE].iloc[0])
        frame.insert(2, WAREHOUSE_KEY, key)
        frame["MODEL_VERSION"] = stored.version
        frames.append(frame)
    columns = [ACCOUNT, WAREHOUSE, WAREHOUSE_KEY, USAGE_DATE, *SCORE_COLUMNS.values()]
    scores = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return Output(
        scores,
        metadata={
            "warehouses_scored": len(frames),
            "days_scored": len(scores),
            "anomalous_days": int(scores["IS_ANOMALY"].sum()) if frames else 0,
        },
    )


@asset(
    automation_condition=AutomationCondition.eager(),
    group_name=GROUP,
    kinds=table_kinds(),
)
def usage_anomalies(warehouse_anomaly_scores) -> Output:
    """Warehouse-days whose usage the models call anomalous, with credits above expected.
    ANOMALY_ID (`account/warehouse@day`) identifies an anomaly across re-runs."""
    anomalies = warehouse_anomaly_scores[warehouse_anomaly_scores["IS_ANOMALY"]].copy()
    anomalies.insert(
        0,
        "ANOMALY_ID",
        anomalies[WAREHOUSE_KEY] + "@" + anomalies[USAGE_DATE].dt.strftime("%Y-%m-%d"),
    )
    anomalies = anomalies.sort_values([USAGE_DATE, WAREHOUSE_KEY], ascending=[False, True])
    return Output(
        anomalies.reset_index(drop=True),
        metadata={
            "anomalies": len(anomalies),
            "excess_credits": float(anomalies["EXCESS_CREDITS"].sum()),
            "warehouses": int(anomalies[WAREHOUSE_KEY].nunique()),
        },
    )
