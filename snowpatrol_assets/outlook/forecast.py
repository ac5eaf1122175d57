"""Where a warehouse's month will end: month-to-date credits plus the expected rest of the month.

The expected credits of each remaining day are the default detector's expectation (see
``detection/robust_baseline.py``): the median of the warehouse's recent ordinary active days,
times the day's weekday or month-end effect learnt from its history, times the share of such
days it runs at all. The baseline is frozen at the last known day, as a forecast must be. It
is the spend of an ordinary rest of the month: a spike or runaway to come is not in it.

The interval comes from the warehouse's own past forecast errors: the same forecast is replayed
from every earlier day for the same number of days ahead, and the 10 % and 90 % quantiles of
actual / forecast credits scale today's forecast of the remaining days. Past spikes and
runaways are part of those errors, so the upper bound includes the usual risk of one.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from snowpatrol_assets.detection.decomposition import enough_history
from snowpatrol_assets.detection.robust_baseline import (
    RobustProfile,
    fit_profile,
    score_days,
    seasonal_effect,
)
from snowpatrol_assets.usage.features import DROPPED_AFTER_DAYS

INTERVAL_QUANTILES = (0.1, 0.9)
"""The forecast interval is the central 80 % of past forecast errors..."""

MIN_PAST_FORECASTS = 14
"""...replayed from at least 14 earlier days; with fewer, the interval is unknown (NaN)."""

WARM_UP_DAYS = 28
"""Replayed forecasts start four weeks into a warehouse's history, once it has a baseline."""

FORECAST = "FORECAST"
ACTUAL = "ACTUAL"


@dataclass(frozen=True)
class MonthEndForecast:
    """One warehouse's month as seen at the end of `as_of` (all in credits).

    `past_forecasts`: per earlier day (index), the credits then forecast for the same number of
    days ahead (FORECAST) and what was actually used (ACTUAL); it gives the interval, and
    summed across warehouses, an account's interval.
    """

    as_of: pd.Timestamp
    month_to_date: float
    expected_remaining: float
    low: float
    high: float
    past_forecasts: pd.DataFrame

    @property
    def forecast(self) -> float:
        """Month-end credits: month to date plus the expected rest of the month."""
        return self.month_to_date + self.expected_remaining


def remaining_days(as_of: pd.Timestamp) -> int:
    """Days of the month after `as_of`."""
    return int(as_of.days_in_month - as_of.day)


def forecast_month_end(daily: pd.Series, as_of: pd.Timestamp) -> MonthEndForecast:
    """Forecasts the month of `as_of` from a warehouse's daily credits up to `as_of`.

    `daily`: credits per day (DatetimeIndex, missing days = 0). Raises InsufficientHistoryError
    below two weeks of history. A warehouse silent for DROPPED_AFTER_DAYS is expected to stay
    silent.
    """
    as_of = pd.Timestamp(as_of).normalize()
    history = enough_history(daily[daily.index <= as_of]).reindex(
        pd.date_range(daily.index.min().normalize(), as_of), fill_value=0.0
    )
    horizon = remaining_days(as_of)
    month_to_date = float(history[history.index >= as_of.replace(day=1)].sum())
    dormant = not (history.iloc[-DROPPED_AFTER_DAYS:] > 0).any()
    if dormant or horizon == 0:
        empty = pd.DataFrame(columns=[FORECAST, ACTUAL], dtype=float)
        return MonthEndForecast(as_of, month_to_date, 0.0, month_to_date, month_to_date, empty)
    level, day_factor = _frozen_levels(fit_profile(history), history, horizon)
    expected_remaining = float(level[-1] * day_factor[-horizon:].sum())
    past = _replayed_forecasts(history, level, day_factor, horizon)
    low, high = month_to_date + interval_from_past(past, expected_remaining)
    return MonthEndForecast(as_of, month_to_date, expected_remaining, low, high, past)


def interval_from_past(past_forecasts: pd.DataFrame, expected_remaining: float) -> np.ndarray:
    """Low and high credits of the remaining days, from past forecast errors (NaN if too few)."""
    return expected_remaining * _error_quantiles(past_forecasts)


def _frozen_levels(
    profile: RobustProfile, history: pd.Series, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """The baseline each day is forecast from, and each day's weekday/calendar factor.

    The history is extended by `horizon` days without usage, which the baseline ignores, so
    the detector's expected credits of those days are the forecast. Per day, level x factor =
    expected credits; the level of day t + 1 is the baseline known at the end of day t.
    """
    days = pd.date_range(history.index[0], periods=len(history) + horizon)
    extended = history.reindex(days, fill_value=0.0)
    expected, _, _ = score_days(profile, extended)
    effect, activity = seasonal_effect(profile, days)
    day_factor = activity * np.exp(effect)
    level = pd.Series(
        np.divide(expected, day_factor, where=day_factor > 0, out=np.full(len(days), np.nan))
    )
    level = level.ffill().fillna(float(np.exp(profile.level))).to_numpy()
    return level[: len(history) + 1], day_factor


def _replayed_forecasts(
    history: pd.Series, level: np.ndarray, day_factor: np.ndarray, horizon: int
) -> pd.DataFrame:
    """Forecast and actual credits of the `horizon` days after each earlier day t (index).

    The forecast holds day t + 1's baseline for the whole horizon, as today's forecast does.
    """
    used = np.concatenate([[0.0], np.cumsum(history.to_numpy())])
    factors = np.concatenate([[0.0], np.cumsum(day_factor)])
    origins = np.arange(WARM_UP_DAYS, len(history) - horizon)  # t: last day known
    forecast = level[origins + 1] * (factors[origins + 1 + horizon] - factors[origins + 1])
    actual = used[origins + 1 + horizon] - used[origins + 1]
    return pd.DataFrame({FORECAST: forecast, ACTUAL: actual}, index=history.index[origins])


def _error_quantiles(past_forecasts: pd.DataFrame) -> np.ndarray:
    """Quantiles of actual / forecast credits over past forecasts (NaN if too few)."""
    usable = past_forecasts[past_forecasts[FORECAST] > 0]
    if len(usable) < MIN_PAST_FORECASTS:
        return np.full(len(INTERVAL_QUANTILES), np.nan)
    return np.quantile(usable[ACTUAL] / usable[FORECAST], INTERVAL_QUANTILES)
