"""Every detection method backtested on the labelled anomalies, and the champion it elects."""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AutomationCondition,
    MetadataValue,
    Output,
)

from mlops_common.figures import markdown_image
from snowpatrol_assets.assets import groups
from snowpatrol_assets.detection.methods import DEFAULT_METHOD
from snowpatrol_assets.feedback import AnomalyFeedback
from snowpatrol_assets.sources import UsageSource

EVALUATION_KEY = AssetKey("detector_evaluation")
CHAMPION_GATE = "detector_champion_gate"
WEEKLY = "0 5 * * 1"


@groups.table_asset(
    groups.MODELS,
    extra_kinds={"scikitlearn"},
    check_specs=[
        AssetCheckSpec(
            CHAMPION_GATE,
            asset=EVALUATION_KEY,
            blocking=True,
            description="The champion detector meets the quality targets on the labels "
            "(precision, event recall, false alerts per 1,000 ordinary days): a warning when it "
            "misses them, an error that stops model training when its precision is below 0.5. "
            "A challenger replaces it only when it meets the targets and ranks higher.",
        )
    ],
    automation_condition=AutomationCondition.on_cron(WEEKLY),
)
def detector_evaluation(
    context: AssetExecutionContext,
    warehouse_daily_usage,
    usage_source: UsageSource,
    anomaly_feedback: AnomalyFeedback,
):
    """How well each detection method finds the labelled anomalies of every active warehouse:
    precision, recall, event recall and false alerts per 1,000 ordinary warehouse-days, and the
    champion method the warehouse models are trained with.

    Labels are the anomalies people marked real, expected or false alarm (and, on the local
    simulated account, the anomalies it injected). A challenger replaces the champion only when
    it meets the quality targets and ranks higher (F1 of precision and event recall) by more
    than 0.02. Refreshed weekly (Mondays 05:00 UTC) or on demand.
    """
    import pandas as pd

    from snowpatrol_assets.detection.champion import elect_champion
    from snowpatrol_assets.detection.evaluation import QualityTargets
    from snowpatrol_assets.detection.fleet_backtest import backtest_methods
    from snowpatrol_assets.feedback import known_anomalies
    from snowpatrol_assets.reporting.evaluation_chart import evaluation_chart
    from snowpatrol_assets.usage.features import status_of, warehouse_series

    active = set(status_of(warehouse_daily_usage).active)
    series = {
        key: credits for key, _, _, credits in warehouse_series(warehouse_daily_usage, active)
    }
    first, last = (
        warehouse_daily_usage["USAGE_DATE"].min(),
        warehouse_daily_usage["USAGE_DATE"].max(),
    )
    labelled = known_anomalies(
        anomaly_feedback.entries(), usage_source.labelled_anomalies(first, last)
    )
    quality = backtest_methods(series, labelled)
    previous = context.instance.get_latest_materialization_event(EVALUATION_KEY)
    incumbent = (
        previous.asset_materialization.metadata["champion"].value if previous else DEFAULT_METHOD
    )
    targets = QualityTargets()
    election = elect_champion(quality, incumbent, targets, has_labels=bool(labelled))
    table = pd.DataFrame(
        [
            {"METHOD": method, **{k.upper(): v for k, v in vars(q).items()}, "F1": q.f1}
            for method, q in quality.items()
        ]
    ).assign(CHAMPION=lambda t: t["METHOD"] == election.champion)
    context.log.info(f"Detector champion: {election.champion} ({election.decision})")
    yield Output(
        table,
        metadata={
            "champion": election.champion,
            "decision": election.decision,
            "labelled_warehouse_days": len(labelled),
            "warehouses": len(series),
            "evaluation": MetadataValue.md(table.round(3).to_markdown(index=False)),
            "chart": MetadataValue.md(markdown_image(evaluation_chart(table), "detector quality")),
        },
    )
    yield AssetCheckResult(
        check_name=CHAMPION_GATE,
        passed=election.trusted,
        severity=AssetCheckSeverity.ERROR if election.unusable else AssetCheckSeverity.WARN,
        metadata={
            "champion": election.champion,
            "decision": election.decision,
            "rule": election.rule,
            "reasons": MetadataValue.md("\n".join(f"- {r}" for r in election.reasons) or "none"),
        },
    )
