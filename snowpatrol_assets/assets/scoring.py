"""Daily scores of every modelled warehouse, and the table of anomalous days that matter."""

from functools import partial

from dagster import AssetExecutionContext, AutomationCondition, Config, Failure, Output
from pydantic import Field

from mlops_common.model_store import ModelNotFoundError, ModelStore
from snowpatrol_assets.assets import groups
from snowpatrol_assets.detection.methods import MIN_EXCESS_CREDITS, MIN_EXCESS_PCT
from snowpatrol_assets.feedback import AnomalyFeedback
from snowpatrol_assets.pricing import CreditPrice
from snowpatrol_assets.usage.columns import ACCOUNT, USAGE_DATE, WAREHOUSE, WAREHOUSE_KEY

SCORE_COLUMNS = {
    "credits": "CREDITS_USED",
    "expected": "EXPECTED_CREDITS",
    "excess": "EXCESS_CREDITS",
    "score": "ANOMALY_SCORE",
    "threshold": "ANOMALY_THRESHOLD",
    "is_anomaly": "IS_ANOMALY",
}
MONEY_COLUMNS = ["PRICE_PER_CREDIT", "CURRENCY", "COST", "EXCESS_COST"]


class ScoringConfig(Config):
    min_excess_credits: float = Field(
        default=MIN_EXCESS_CREDITS,
        description="A day is an anomaly only if it used at least this many credits above "
        "expected.",
    )
    min_excess_pct: float = Field(
        default=MIN_EXCESS_PCT,
        description="...and at least this many percent above expected.",
    )


@groups.table_asset(
    groups.SCORING,
    automation_condition=AutomationCondition.eager(),
)
def warehouse_anomaly_scores(
    context: AssetExecutionContext,
    config: ScoringConfig,
    warehouse_daily_usage,
    warehouse_anomaly_models,
    model_store: ModelStore,
    credit_price: CreditPrice,
) -> Output:
    """Every day of every modelled, active warehouse scored by its latest model: credits used,
    expected credits, excess credits and their cost in the organisation's currency, the anomaly
    score, and whether the day is an anomaly (unusual for the warehouse AND above the
    materiality floors in credits and percent).

    A warehouse the models table lists must have its model in the store: a missing or
    unreadable model fails the run naming the warehouse and the store location, rather than
    quietly scoring fewer warehouses.
    """
    import pandas as pd

    from mlops_common.parallel import map_by_key
    from snowpatrol_assets.usage.features import status_of, warehouse_series

    versions = dict(
        zip(
            warehouse_anomaly_models[WAREHOUSE_KEY],
            warehouse_anomaly_models["MODEL_VERSION"],
            strict=True,
        )
    )
    active = set(status_of(warehouse_daily_usage).active)
    for key in sorted(active - set(versions)):
        context.log.warning(f"Warehouse {key!r} has no model yet; train it to score it")
    loaded = []
    for key, account, name, credits in warehouse_series(
        warehouse_daily_usage, active & set(versions)
    ):
        try:
            loaded.append((key, account, name, credits, model_store.load_latest(key)))
        except ModelNotFoundError as error:
            raise Failure(
                f"Warehouse {key!r} has a model in warehouse_anomaly_models, but the model store "
                f"has none at {model_store.location(key)} ({error}). Restore the store, or "
                "retrain the warehouse (backfill its warehouse_anomaly_models partition)."
            ) from error
    floors = {
        "min_excess_credits": config.min_excess_credits,
        "min_excess_pct": config.min_excess_pct,
    }
    scored = map_by_key(
        partial(scored_days_of, **floors),
        [(key, (stored.model, credits)) for key, _, _, credits, stored in loaded],
    )
    frames = []
    for (key, account, name, _, stored), days in zip(loaded, scored, strict=True):
        frame = days.rename(columns=SCORE_COLUMNS).rename_axis(USAGE_DATE).reset_index()
        frame.insert(0, ACCOUNT, account)
        frame.insert(1, WAREHOUSE, name)
        frame.insert(2, WAREHOUSE_KEY, key)
        frame["MODEL_VERSION"] = stored.version
        frames.append(frame)
    columns = [ACCOUNT, WAREHOUSE, WAREHOUSE_KEY, USAGE_DATE, *SCORE_COLUMNS.values()]
    scores = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    scores = credit_price.priced(scores)
    return Output(
        scores,
        metadata={
            "warehouses_scored": len(frames),
            "days_scored": len(scores),
            "anomalous_days": int(scores["IS_ANOMALY"].sum()) if frames else 0,
            "min_excess_credits": config.min_excess_credits,
            "min_excess_pct": config.min_excess_pct,
        },
    )


def scored_days_of(model_and_credits, min_excess_credits: float, min_excess_pct: float):
    """One warehouse's days scored by its model (run in a worker process)."""
    from snowpatrol_assets.detection import score_usage

    model, credits = model_and_credits
    return score_usage(
        model, credits, min_excess_credits=min_excess_credits, min_excess_pct=min_excess_pct
    )


@groups.table_asset(
    groups.SCORING,
    automation_condition=AutomationCondition.eager(),
)
def usage_anomalies(
    context: AssetExecutionContext, warehouse_anomaly_scores, anomaly_feedback: AnomalyFeedback
) -> Output:
    """Warehouse-days whose usage is anomalous and material, with their excess cost, less those
    people labelled expected or a false alarm, or silenced (see record_anomaly_feedback).
    ANOMALY_ID (`account/warehouse-id@day`) identifies an anomaly across re-runs."""
    from snowpatrol_assets.feedback import not_alerted

    anomalies = warehouse_anomaly_scores[warehouse_anomaly_scores["IS_ANOMALY"]].copy()
    muted = not_alerted(anomalies, anomaly_feedback.entries())
    if muted.any():
        context.log.info(f"{int(muted.sum())} anomalies left out: labelled or silenced")
    anomalies = anomalies[~muted]
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
            "excess_credits": round(float(anomalies["EXCESS_CREDITS"].sum()), 2),
            "excess_cost": round(float(anomalies["EXCESS_COST"].sum()), 2),
            "warehouses": int(anomalies[WAREHOUSE_KEY].nunique()),
            "left_out_by_feedback": int(muted.sum()),
        },
    )
