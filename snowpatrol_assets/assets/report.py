"""The daily anomaly report: Markdown, a usage chart, and the rows behind them."""

from datetime import timedelta

from dagster import (
    AssetExecutionContext,
    AutomationCondition,
    Config,
    FreshnessPolicy,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from mlops_common.environment import local_data_dir
from mlops_common.figures import markdown_image
from mlops_common.storage import table_kinds
from snowpatrol_assets.usage.columns import ACCOUNT, USAGE_DATE, WAREHOUSE, WAREHOUSE_KEY

GROUP = "snowpatrol_scoring"
CHART_HISTORY_DAYS = 90


class ReportConfig(Config):
    lookback_days: int = Field(default=30, description="Days of anomalies the report covers.")


@asset(
    automation_condition=AutomationCondition.eager(),
    freshness_policy=FreshnessPolicy.time_window(
        fail_window=timedelta(hours=48), warn_window=timedelta(hours=30)
    ),
    group_name=GROUP,
    kinds=table_kinds() | {"markdown"},
)
def anomaly_report(
    context: AssetExecutionContext,
    config: ReportConfig,
    usage_anomalies,
    warehouse_anomaly_scores,
    warehouse_daily_usage,
) -> Output:
    """What a FinOps reader sees each morning: anomalous warehouse-days of the last 30 days with
    credits used, expected and in excess and what the excess cost, a chart of the warehouses
    with the costliest excess, and the warehouses that were not scored (dropped or too new)."""
    from snowpatrol_assets.reporting.chart import usage_chart
    from snowpatrol_assets.reporting.markdown import report_markdown
    from snowpatrol_assets.usage.features import status_of

    report_day = warehouse_daily_usage[USAGE_DATE].max()
    since = report_day - timedelta(days=config.lookback_days - 1)
    recent = usage_anomalies[usage_anomalies[USAGE_DATE] >= since]
    records = [_record(row) for _, row in recent.iterrows()]
    status = status_of(warehouse_daily_usage)
    names = warehouse_daily_usage.groupby(WAREHOUSE_KEY)[[ACCOUNT, WAREHOUSE]].last()
    not_scored = {
        f"{names.at[k, ACCOUNT]} / {names.at[k, WAREHOUSE]}": why
        for k, why in (
            {k: f"dropped, no usage since {d}" for k, d in status.dropped.items()}
            | {k: f"only {d} days of history" for k, d in status.too_short.items()}
        ).items()
    }
    markdown = report_markdown(
        f"{report_day:%Y-%m-%d}",
        f"{since:%Y-%m-%d}",
        records,
        int(warehouse_anomaly_scores[WAREHOUSE_KEY].nunique()),
        not_scored,
    )
    chart = usage_chart(
        warehouse_anomaly_scores,
        records,
        report_day - timedelta(days=CHART_HISTORY_DAYS),
        since,
    )
    folder = local_data_dir() / "reports" / "snowpatrol"
    folder.mkdir(parents=True, exist_ok=True)
    report_path = folder / f"anomaly_report_{report_day:%Y-%m-%d}.md"
    chart_path = report_path.with_suffix(".png")
    chart_path.write_bytes(chart)
    report_path.write_text(markdown + f"\n![usage chart]({chart_path.name})\n")
    context.log.info(f"Report with {len(records)} anomalies written to {report_path}")
    return Output(
        recent.reset_index(drop=True),
        metadata={
            "report": MetadataValue.md(markdown),
            "chart": MetadataValue.md(markdown_image(chart, "usage chart")),
            "report_path": MetadataValue.path(str(report_path)),
            "anomaly_count": len(records),
            "anomalies": MetadataValue.json(records),
            "report_day": f"{report_day:%Y-%m-%d}",
        },
    )


def _record(row) -> dict:
    return {
        "id": row["ANOMALY_ID"],
        "key": row[WAREHOUSE_KEY],
        "account": row[ACCOUNT],
        "warehouse": row[WAREHOUSE],
        "day": f"{row[USAGE_DATE]:%Y-%m-%d}",
        "credits": round(float(row["CREDITS_USED"]), 3),
        "expected": round(float(row["EXPECTED_CREDITS"]), 3),
        "excess": round(float(row["EXCESS_CREDITS"]), 3),
        "score": round(float(row["ANOMALY_SCORE"]), 4),
        "excess_cost": round(float(row["EXCESS_COST"]), 2),
        "currency": row["CURRENCY"],
    }
