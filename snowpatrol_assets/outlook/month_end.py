"""The month-end outlook of a fleet: each warehouse's forecast, and each account's."""

from functools import partial

import pandas as pd

from mlops_common.parallel import map_by_key
from snowpatrol_assets.detection.decomposition import InsufficientHistoryError
from snowpatrol_assets.outlook.forecast import (
    ACTUAL,
    FORECAST,
    forecast_month_end,
    interval_from_past,
    remaining_days,
)
from snowpatrol_assets.usage.columns import ACCOUNT, CREDITS, USAGE_DATE, WAREHOUSE, WAREHOUSE_KEY

WAREHOUSE_SCOPE = "warehouse"
ACCOUNT_SCOPE = "account"
SCOPE = "SCOPE"
SCOPE_KEY = "SCOPE_KEY"
"""The warehouse key of a warehouse row, the account name of an account row: budgets use it."""
MONTH = "MONTH"
AS_OF = "AS_OF"
MONTH_TO_DATE = "MONTH_TO_DATE_CREDITS"
EXPECTED_REMAINING = "EXPECTED_REMAINING_CREDITS"
MONTH_END_FORECAST = "FORECAST_CREDITS"
FORECAST_LOW = "FORECAST_LOW_CREDITS"
FORECAST_HIGH = "FORECAST_HIGH_CREDITS"
OUTLOOK_COLUMNS = [
    SCOPE,
    SCOPE_KEY,
    ACCOUNT,
    WAREHOUSE,
    MONTH,
    AS_OF,
    MONTH_TO_DATE,
    EXPECTED_REMAINING,
    MONTH_END_FORECAST,
    FORECAST_LOW,
    FORECAST_HIGH,
]


def month_end_outlook(matrix: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Month-to-date credits and the month-end forecast with its 80 % interval, at `as_of`.

    `matrix`: the daily usage matrix (see `daily_usage_matrix`), days after `as_of` ignored.
    One row per warehouse, then one per account. A warehouse with under two weeks of history
    is expected to go on at its average day so far, without an interval. An account's forecast
    is the sum of its warehouses'; its interval comes from the summed past forecasts of its
    warehouses, so warehouses that tend to err in opposite directions narrow it.
    """
    as_of = pd.Timestamp(as_of).normalize()
    known = matrix[matrix[USAGE_DATE] <= as_of]
    series = [
        (key, days[ACCOUNT].iloc[-1], days[WAREHOUSE].iloc[-1], days.set_index(USAGE_DATE)[CREDITS])
        for key, days in known.groupby(WAREHOUSE_KEY, sort=True)
    ]
    forecasts = map_by_key(
        partial(_forecast_or_run_rate, as_of=as_of), [(key, daily) for key, _, _, daily in series]
    )
    rows, past_by_account = [], {}
    for (key, account, name, _), (month_to_date, remaining, low, high, past) in zip(
        series, forecasts, strict=True
    ):
        rows.append((WAREHOUSE_SCOPE, key, account, name, month_to_date, remaining, low, high))
        if past is not None:
            past_by_account.setdefault(account, []).append(past)
    columns = [SCOPE, SCOPE_KEY, ACCOUNT, WAREHOUSE, MONTH_TO_DATE, EXPECTED_REMAINING]
    warehouses = pd.DataFrame(rows, columns=[*columns, FORECAST_LOW, FORECAST_HIGH])
    accounts = warehouses.groupby(ACCOUNT, as_index=False)[
        [MONTH_TO_DATE, EXPECTED_REMAINING]
    ].sum()
    accounts[[FORECAST_LOW, FORECAST_HIGH]] = [
        month_to_date + interval_from_past(_summed(past_by_account.get(account, [])), remaining)
        for account, month_to_date, remaining in accounts[
            [ACCOUNT, MONTH_TO_DATE, EXPECTED_REMAINING]
        ].itertuples(index=False)
    ]
    accounts[SCOPE], accounts[SCOPE_KEY], accounts[WAREHOUSE] = ACCOUNT_SCOPE, accounts[ACCOUNT], ""
    outlook = pd.concat([warehouses, accounts], ignore_index=True)
    outlook[MONTH_END_FORECAST] = outlook[MONTH_TO_DATE] + outlook[EXPECTED_REMAINING]
    outlook[MONTH], outlook[AS_OF] = str(as_of.to_period("M")), as_of
    return outlook[OUTLOOK_COLUMNS].astype({FORECAST_LOW: float, FORECAST_HIGH: float})


def _forecast_or_run_rate(daily: pd.Series, as_of: pd.Timestamp) -> tuple:
    """(month to date, expected remaining, low, high, past forecasts) of one warehouse (run in
    a worker process). Under two weeks of history: its average day so far, no interval."""
    try:
        forecast = forecast_month_end(daily, as_of)
    except InsufficientHistoryError:
        month = daily[daily.index >= as_of.replace(day=1)]
        run_rate = month.sum() / len(month) * remaining_days(as_of)
        return month.sum(), run_rate, None, None, None
    return (
        forecast.month_to_date,
        forecast.expected_remaining,
        forecast.low,
        forecast.high,
        forecast.past_forecasts,
    )


def _summed(past_forecasts: list[pd.DataFrame]) -> pd.DataFrame:
    """Past forecasts of several warehouses added up per day they were made."""
    known = [past for past in past_forecasts if not past.empty]
    if not known:
        return pd.DataFrame(columns=[FORECAST, ACTUAL], dtype=float)
    return pd.concat(known).groupby(level=0).sum()
