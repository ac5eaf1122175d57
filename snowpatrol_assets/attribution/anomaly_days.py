"""Explains a batch of anomalous warehouse-days from the query history of the days they need."""

import pandas as pd

from snowpatrol_assets.attribution.contributors import ExcessExplanation, explain_excess
from snowpatrol_assets.attribution.reference_days import REFERENCE_DATE
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDITS_COMPUTE,
    START_TIME,
    USAGE_DATE,
    WAREHOUSE_ID,
    WAREHOUSE_KEY,
    warehouse_key,
)

EXCESS_CREDITS = "EXCESS_CREDITS"


def explain_anomalies(
    anomalies: pd.DataFrame,
    references: pd.DataFrame,
    query_history: pd.DataFrame,
    daily_usage: pd.DataFrame,
    top: int | None = None,
) -> dict[tuple[str, pd.Timestamp], ExcessExplanation]:
    """One explanation per anomalous warehouse-day, keyed by (warehouse key, day).

    `anomalies`: WAREHOUSE_KEY, USAGE_DATE, EXCESS_CREDITS (from the detector); `references`:
    from `reference_days`; `query_history`: query attribution rows covering at least
    `days_to_query`; `daily_usage`: the daily usage matrix (WAREHOUSE_KEY, USAGE_DATE,
    CREDITS_USED_COMPUTE) for the metered compute of those days.
    """
    queries = query_history.assign(
        **{
            WAREHOUSE_KEY: [
                warehouse_key(account, wid)
                for account, wid in zip(
                    query_history[ACCOUNT], query_history[WAREHOUSE_ID], strict=True
                )
            ],
            USAGE_DATE: query_history[START_TIME].dt.normalize(),
        }
    )
    queries_by_day = dict(tuple(queries.groupby([WAREHOUSE_KEY, USAGE_DATE])))
    compute = daily_usage.set_index([WAREHOUSE_KEY, USAGE_DATE])[CREDITS_COMPUTE]
    reference_dates = references.groupby([WAREHOUSE_KEY, USAGE_DATE])[REFERENCE_DATE].agg(list)
    empty = queries.iloc[:0]
    explanations = {}
    for key, day, excess in anomalies[[WAREHOUSE_KEY, USAGE_DATE, EXCESS_CREDITS]].itertuples(
        index=False
    ):
        day = pd.Timestamp(day)
        earlier = reference_dates.get((key, day), [])
        reference_rows = [queries_by_day.get((key, d), empty) for d in earlier]
        explanations[(key, day)] = explain_excess(
            queries_by_day.get((key, day), empty),
            pd.concat([empty, *reference_rows]),
            reference_day_count=len(earlier),
            metered_compute=compute.get((key, day), 0.0),
            excess=excess,
            typical_metered_compute=(
                sum(compute.get((key, d), 0.0) for d in earlier) / len(earlier) if earlier else None
            ),
            top=top,
        )
    return explanations
