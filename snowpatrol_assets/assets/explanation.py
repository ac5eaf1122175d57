"""Who and what caused each anomaly, and where each warehouse's month is heading."""

from dagster import (
    AssetExecutionContext,
    AutomationCondition,
    Config,
    MetadataValue,
    Output,
)
from pydantic import Field

from snowpatrol_assets.assets import groups
from snowpatrol_assets.pricing import CreditPrice
from snowpatrol_assets.sources import UsageSource

EXPLAINED_DAYS = 30
"""Anomalies of the last 30 days (the report window) are explained."""
TOP_CONTRIBUTORS = 5


@groups.table_asset(
    groups.SCORING,
    extra_kinds={"snowflake"},
    automation_condition=AutomationCondition.eager(),
)
def anomaly_contributors(
    context: AssetExecutionContext,
    usage_anomalies,
    warehouse_daily_usage,
    usage_source: UsageSource,
):
    """The top contributors to each recent anomaly's excess credits, by parameterized query,
    query tag, user and role: credits that day, typical credits on the same weekday of the
    previous four ordinary weeks, the difference and its share of the excess; `new` marks a
    contributor absent on those days. Read from QUERY_ATTRIBUTION_HISTORY for only the
    anomalous days and their reference days. A row per anomaly with DIMENSION `unattributed`
    holds the metered compute the view does not cover (idle time, very short queries).
    """
    import pandas as pd

    from snowpatrol_assets.attribution import CONTRIBUTOR_COLUMNS, days_to_query, reference_days
    from snowpatrol_assets.attribution.anomaly_days import explain_anomalies
    from snowpatrol_assets.usage.columns import USAGE_DATE, WAREHOUSE_KEY

    last_day = warehouse_daily_usage[USAGE_DATE].max()
    recent = usage_anomalies[
        usage_anomalies[USAGE_DATE] > last_day - pd.Timedelta(days=EXPLAINED_DAYS)
    ]
    first_days = warehouse_daily_usage.groupby(WAREHOUSE_KEY)[USAGE_DATE].min().to_dict()
    references = reference_days(recent, first_days)
    needed = days_to_query(recent, references)
    history = usage_source.fetch_query_attribution(needed)
    context.log.info(f"{len(history)} query rows read for {len(needed)} warehouse-days")
    explanations = explain_anomalies(
        recent, references, history, warehouse_daily_usage, TOP_CONTRIBUTORS
    )
    ids = recent.set_index([WAREHOUSE_KEY, USAGE_DATE])["ANOMALY_ID"].to_dict()
    anomalies, remainders = [], []
    for (key, day), explanation in explanations.items():
        anomaly = {"ANOMALY_ID": ids[(key, day)], "WAREHOUSE_KEY": key, "USAGE_DATE": day}
        anomalies.append(anomaly)
        typical = explanation.typical_unattributed or 0.0
        delta = explanation.unattributed - typical
        remainders.append(
            {
                **anomaly,
                "DIMENSION": "unattributed",
                "CONTRIBUTOR": "idle time and very short queries",
                "SAMPLE_TEXT": "",
                "CREDITS": explanation.unattributed,
                "TYPICAL_CREDITS": typical,
                "DELTA_CREDITS": delta,
                "SHARE_OF_EXCESS": delta / explanation.excess if explanation.excess else 0.0,
                "CHANGE": "",
            }
        )
    columns = ["ANOMALY_ID", "WAREHOUSE_KEY", "USAGE_DATE", *CONTRIBUTOR_COLUMNS]
    named = _named_contributors(anomalies, [e.contributors for e in explanations.values()])
    frames = [named] if not named.empty else []
    frames.append(pd.DataFrame(remainders, columns=columns))
    table = (
        pd.concat(frames, ignore_index=True)[columns] if remainders else _no_contributors(columns)
    )
    return Output(
        table,
        metadata={
            "anomalies_explained": len(explanations),
            "warehouse_days_read": len(needed),
            "query_rows_read": len(history),
        },
    )


def _named_contributors(anomalies: list[dict], contributors: list):
    """Every anomaly's contributor rows in one table, each row carrying its anomaly's id, key
    and day."""
    from mlops_common.frames import concat_labelled

    filled = [(a, frame) for a, frame in zip(anomalies, contributors, strict=True) if len(frame)]
    labels = {
        column: [anomaly[column] for anomaly, _ in filled]
        for column in ("ANOMALY_ID", "WAREHOUSE_KEY", "USAGE_DATE")
    }
    table = concat_labelled([frame for _, frame in filled], labels)
    return table.reset_index(drop=True)


def _no_contributors(columns: list[str]):
    """An empty contributors table with the column types a filled one has."""
    import pandas as pd

    numbers = ["CREDITS", "TYPICAL_CREDITS", "DELTA_CREDITS", "SHARE_OF_EXCESS"]
    return pd.DataFrame(columns=columns).astype(
        {"USAGE_DATE": "datetime64[ns]", **dict.fromkeys(numbers, "float64")}
    )


class OutlookConfig(Config):
    budgets: dict[str, float] = Field(
        default={},
        description="Monthly budgets in credits, by warehouse key (e.g. ACME_PROD/101) or "
        "account name. A forecast crossing its budget is alerted once per month.",
    )


@groups.table_asset(
    groups.SCORING,
    automation_condition=AutomationCondition.eager(),
)
def month_end_outlook(
    context: AssetExecutionContext,
    config: OutlookConfig,
    warehouse_daily_usage,
    credit_price: CreditPrice,
):
    """Per warehouse and account: credits spent this month so far, the month-end forecast with
    an 80 % interval (from the same robust baseline the detector uses, replayed on past days to
    size the interval), in credits and money, and how each budget stands: exceeded, on track to
    exceed, at risk, or within."""
    from snowpatrol_assets.outlook import budget_status, with_cost
    from snowpatrol_assets.outlook import month_end_outlook as outlook_at
    from snowpatrol_assets.outlook.budget import (
        BUDGET,
        BUDGET_STATUS,
        EXCEEDED,
        ON_TRACK_TO_EXCEED,
        OVER_BUDGET,
    )
    from snowpatrol_assets.outlook.month_end import MONTH, SCOPE, SCOPE_KEY
    from snowpatrol_assets.usage.columns import USAGE_DATE

    as_of = warehouse_daily_usage[USAGE_DATE].max()
    outlook = outlook_at(warehouse_daily_usage, as_of)
    budgets = budget_status(outlook, config.budgets)
    scope = [SCOPE, SCOPE_KEY]
    table = outlook.merge(
        budgets[[*scope, BUDGET, OVER_BUDGET, BUDGET_STATUS]], on=scope, how="left"
    )
    table = with_cost(table, credit_price.price_per_credit).assign(CURRENCY=credit_price.currency)
    over = table[table[BUDGET_STATUS].isin([EXCEEDED, ON_TRACK_TO_EXCEED])]
    over_budget = [
        {
            "id": f"budget:{row[SCOPE_KEY]}:{row[MONTH]}",
            "scope": row[SCOPE_KEY],
            "status": row[BUDGET_STATUS],
            "forecast_credits": round(float(row["FORECAST_CREDITS"]), 1),
            "budget_credits": round(float(row[BUDGET]), 1),
            "forecast_cost": round(float(row["FORECAST_COST"]), 2),
            "currency": credit_price.currency,
        }
        for _, row in over.iterrows()
    ]
    for entry in over_budget:
        context.log.warning(f"Budget {entry['status']}: {entry['scope']}")
    return Output(
        table,
        metadata={
            "as_of": f"{as_of:%Y-%m-%d}",
            "over_budget": MetadataValue.json(over_budget),
        },
    )
