"""Budgets against the month-end outlook, and credits as money."""

from collections.abc import Mapping

import pandas as pd

from snowpatrol_assets.outlook.month_end import (
    FORECAST_HIGH,
    MONTH_END_FORECAST,
    MONTH_TO_DATE,
    SCOPE_KEY,
)

BUDGET = "BUDGET_CREDITS"
OVER_BUDGET = "OVER_BUDGET_CREDITS"
BUDGET_STATUS = "BUDGET_STATUS"
EXCEEDED = "exceeded"
"""Month-to-date credits are already above the budget."""
ON_TRACK_TO_EXCEED = "on_track_to_exceed"
"""The month-end forecast is above the budget."""
AT_RISK = "at_risk"
"""The forecast fits the budget, but the interval's upper bound does not."""
WITHIN = "within"
CREDITS_SUFFIX = "_CREDITS"
COST_SUFFIX = "_COST"


def budget_status(outlook: pd.DataFrame, budgets: Mapping[str, float]) -> pd.DataFrame:
    """The outlook rows that have a budget, with how far the forecast lands above it.

    `budgets`: monthly credits by warehouse key (e.g. `ACME_PROD/101`) or account name.
    OVER_BUDGET_CREDITS is the forecast minus the budget (negative: headroom left).
    """
    rows = outlook[outlook[SCOPE_KEY].isin(budgets)].copy()
    rows[BUDGET] = rows[SCOPE_KEY].map(budgets).astype(float)
    rows[OVER_BUDGET] = rows[MONTH_END_FORECAST] - rows[BUDGET]
    rows[BUDGET_STATUS] = [
        _status(spent, forecast, high, budget)
        for spent, forecast, high, budget in rows[
            [MONTH_TO_DATE, MONTH_END_FORECAST, FORECAST_HIGH, BUDGET]
        ].itertuples(index=False)
    ]
    return rows.reset_index(drop=True)


def with_cost(frame: pd.DataFrame, price_per_credit: float) -> pd.DataFrame:
    """Adds a `<NAME>_COST` column (credits x price) for every `<NAME>_CREDITS` column."""
    costs = {
        column.removesuffix(CREDITS_SUFFIX) + COST_SUFFIX: frame[column] * price_per_credit
        for column in frame.columns
        if column.endswith(CREDITS_SUFFIX)
    }
    return frame.assign(**costs)


def _status(spent: float, forecast: float, high: float, budget: float) -> str:
    if spent > budget:
        return EXCEEDED
    if forecast > budget:
        return ON_TRACK_TO_EXCEED
    if high > budget:  # NaN (no interval) compares False
        return AT_RISK
    return WITHIN
