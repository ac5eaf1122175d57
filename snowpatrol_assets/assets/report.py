"""The daily anomaly report: Markdown, a usage chart, and the rows behind them."""

from datetime import timedelta

from dagster import (
    AssetExecutionContext,
    AutomationCondition,
    Config,
    MetadataValue,
    Output,
)
from pydantic import Field

from mlops_common.figures import markdown_image
from mlops_common.markdown import md_cell
from mlops_common.report_store import ReportStore
from snowpatrol_assets.assets import groups
from snowpatrol_assets.reporting.markdown import money
from snowpatrol_assets.usage.columns import ACCOUNT, USAGE_DATE, WAREHOUSE, WAREHOUSE_KEY

CHART_HISTORY_DAYS = 90


class ReportConfig(Config):
    lookback_days: int = Field(default=30, description="Days of anomalies the report covers.")


@groups.table_asset(
    groups.SCORING,
    extra_kinds={"markdown"},
    automation_condition=AutomationCondition.eager(),
    freshness_policy=groups.DAILY_FRESHNESS,
)
def anomaly_report(
    context: AssetExecutionContext,
    config: ReportConfig,
    usage_anomalies,
    warehouse_anomaly_scores,
    warehouse_daily_usage,
    anomaly_contributors,
    month_end_outlook,
    report_store: ReportStore,
) -> Output:
    """What a FinOps reader sees each morning: anomalous warehouse-days of the last 30 days with
    credits used, expected and in excess and what the excess cost, who and what spent it (top
    contributors by query, tag, user and role), a chart of the warehouses with the costliest
    excess, the month-end outlook and budgets, and the warehouses that were not scored. Stored
    in the report store (a local folder; S3 in production), which alerts link to."""
    from snowpatrol_assets.reporting.chart import usage_chart
    from snowpatrol_assets.reporting.markdown import report_markdown
    from snowpatrol_assets.usage.features import status_of

    report_day = warehouse_daily_usage[USAGE_DATE].max()
    since = report_day - timedelta(days=config.lookback_days - 1)
    recent = usage_anomalies[usage_anomalies[USAGE_DATE] >= since]
    contributors = _contributors_by_anomaly(anomaly_contributors)
    records = [
        _record(row, contributors.get(row["ANOMALY_ID"], [])) for _, row in recent.iterrows()
    ]
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
        outlook_lines(month_end_outlook),
    )
    chart = usage_chart(
        warehouse_anomaly_scores,
        records,
        report_day - timedelta(days=CHART_HISTORY_DAYS),
        since,
    )
    name = f"anomaly_report_{report_day:%Y-%m-%d}"
    report_store.save(f"{name}.png", chart)
    location, link = report_store.save(
        f"{name}.md", (markdown + f"\n![usage chart]({name}.png)\n").encode()
    )
    context.log.info(f"Report with {len(records)} anomalies stored at {location}")
    return Output(
        recent.reset_index(drop=True),
        metadata={
            "report": MetadataValue.md(markdown),
            "chart": MetadataValue.md(markdown_image(chart, "usage chart")),
            "report_path": location,
            "report_link": MetadataValue.url(link) if link else "none",
            "anomaly_count": len(records),
            "anomalies": MetadataValue.json(records),
            "report_day": f"{report_day:%Y-%m-%d}",
        },
    )


def _contributors_by_anomaly(table) -> dict[str, list[dict]]:
    """Each anomaly's biggest contributor per dimension (query, query tag, user, role), and its
    unattributed remainder: who and what, not four queries of one job."""
    import pandas as pd

    if table.empty:
        return {}
    found: dict[str, list[dict]] = {}
    top = table.sort_values("DELTA_CREDITS", ascending=False, na_position="last")
    for row in top.drop_duplicates(["ANOMALY_ID", "DIMENSION"]).itertuples():
        share = row.SHARE_OF_EXCESS
        sample = row.SAMPLE_TEXT if isinstance(row.SAMPLE_TEXT, str) and row.SAMPLE_TEXT else ""
        found.setdefault(row.ANOMALY_ID, []).append(
            {
                "dimension": row.DIMENSION.replace("_", " "),
                "name": (f"{row.CONTRIBUTOR} ({sample[:60]})" if sample else str(row.CONTRIBUTOR))[
                    :110
                ],
                "change": row.CHANGE if isinstance(row.CHANGE, str) else "",
                "credits": round(float(row.CREDITS), 2),
                "typical": round(float(row.TYPICAL_CREDITS or 0.0), 2),
                "share": None if pd.isna(share) else round(float(share), 3),
            }
        )
    return found


def outlook_lines(outlook) -> list[str]:
    """Markdown lines: each account's month-end forecast, then every budget on track to be
    exceeded."""
    if outlook.empty:
        return []
    lines = []
    for row in outlook[outlook["SCOPE"] == "account"].itertuples():
        lines.append(
            f"- **{md_cell(row.SCOPE_KEY)}**: {row.MONTH_TO_DATE_CREDITS:,.0f} credits so far, "
            f"month-end forecast {row.FORECAST_CREDITS:,.0f} "
            f"({row.FORECAST_LOW_CREDITS:,.0f}-{row.FORECAST_HIGH_CREDITS:,.0f}), "
            f"{money(row.FORECAST_COST, md_cell(row.CURRENCY))}"
        )
    over = outlook[outlook["BUDGET_STATUS"].isin(["exceeded", "on_track_to_exceed"])]
    if not over.empty:
        lines.append("")
        lines.append("**On track to exceed the budget**")
        lines += [
            f"- {md_cell(row.SCOPE_KEY)}: forecast {row.FORECAST_CREDITS:,.0f} credits against a "
            f"budget of {row.BUDGET_CREDITS:,.0f} ({row.BUDGET_STATUS.replace('_', ' ')})"
            for row in over.itertuples()
        ]
    return lines


def _record(row, contributors: list[dict]) -> dict:
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
        "contributors": contributors,
    }
