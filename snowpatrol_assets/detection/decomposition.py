"""Splits a warehouse's daily credits into trend, weekly seasonality and residual."""

import pandas as pd

WEEK = 7
MIN_HISTORY_DAYS = 2 * WEEK


class InsufficientHistoryError(ValueError):
    """Too few days to separate weekly seasonality from noise."""


def complete_daily(usage: pd.Series) -> pd.Series:
    """Daily series from the first to the last day; days without metering rows used 0 credits."""
    usage = usage.sort_index().astype(float)
    days = pd.date_range(usage.index.min().normalize(), usage.index.max().normalize(), freq="D")
    return usage.groupby(usage.index.normalize()).sum().reindex(days, fill_value=0.0)


def enough_history(usage: pd.Series) -> pd.Series:
    """The complete daily series; raises InsufficientHistoryError below two weeks of it."""
    daily = complete_daily(usage)
    if len(daily) < MIN_HISTORY_DAYS:
        raise InsufficientHistoryError(
            f"{len(daily)} days of history; at least {MIN_HISTORY_DAYS} are needed"
        )
    return daily


CLASSICAL = "classical"
ROBUST_STL = "robust_stl"
DECOMPOSITIONS = (CLASSICAL, ROBUST_STL)


def decompose(usage: pd.Series, method: str = CLASSICAL) -> pd.DataFrame:
    """Additive weekly decomposition: credits = trend + seasonal + residual, one row per day.

    `classical` is the seed's moving-average decomposition. `robust_stl` (STL with robust
    weights) keeps multi-day surges out of the trend, so they stay visible in the residual.
    Raises InsufficientHistoryError below two weeks of history.
    """
    from statsmodels.tsa.seasonal import STL, seasonal_decompose

    daily = enough_history(usage)
    if method == CLASSICAL:
        parts = seasonal_decompose(daily, model="additive", period=WEEK, extrapolate_trend=WEEK)
    elif method == ROBUST_STL:
        parts = STL(daily, period=WEEK, robust=True).fit()
    else:
        raise ValueError(
            f"unknown decomposition {method!r}; use one of {', '.join(DECOMPOSITIONS)}"
        )
    return pd.DataFrame(
        {
            "credits": daily,
            "trend": parts.trend,
            "seasonal": parts.seasonal,
            "residual": parts.resid,
        }
    )
