"""The month-end outlook: month-to-date spend, a forecast with an interval, and budgets."""

import numpy as np
import pandas as pd
import pytest

from snowpatrol_assets.outlook import (
    OUTLOOK_COLUMNS,
    budget_status,
    forecast_month_end,
    month_end_outlook,
    with_cost,
)

AS_OF = pd.Timestamp("2026-03-15")
REMAINING = 16  # days of March after the 15th


def _series(values, last_day: pd.Timestamp = AS_OF) -> pd.Series:
    return pd.Series(values, index=pd.date_range(end=last_day, periods=len(values)), dtype=float)


def _noisy(level: float, days: int, seed: int = 0) -> np.ndarray:
    return level * np.exp(0.1 * np.random.default_rng(seed).standard_normal(days))


def test_flat_usage_is_forecast_at_its_level_for_the_remaining_days():
    daily = _series(_noisy(10.0, 150))
    forecast = forecast_month_end(daily, AS_OF)
    assert forecast.month_to_date == pytest.approx(daily["2026-03"].sum())
    assert forecast.expected_remaining == pytest.approx(REMAINING * 10.0, rel=0.05)
    assert forecast.forecast == pytest.approx(forecast.month_to_date + REMAINING * 10.0, rel=0.05)
    assert forecast.month_to_date < forecast.low < forecast.forecast < forecast.high


def test_later_days_of_the_series_are_not_used():
    daily = _series(_noisy(10.0, 150), last_day=AS_OF + pd.Timedelta(days=10))
    later_spike = daily.copy()
    later_spike[AS_OF + pd.Timedelta(days=1) :] *= 50
    with_later, without = forecast_month_end(later_spike, AS_OF), forecast_month_end(daily, AS_OF)
    assert (with_later.forecast, with_later.low, with_later.high) == (
        without.forecast,
        without.low,
        without.high,
    )


def test_a_growing_warehouse_is_forecast_from_its_recent_level():
    daily = _series(10.0 * 1.01 ** np.arange(150))
    per_day = forecast_month_end(daily, AS_OF).expected_remaining / REMAINING
    assert per_day > 1.5 * daily.mean()
    assert 0.85 * daily.iloc[-1] < per_day <= daily.iloc[-1]


def test_a_month_end_peak_learnt_from_history_is_in_the_forecast():
    days = pd.date_range(end=AS_OF, periods=180)
    close = days.day > days.days_in_month - 3
    daily = pd.Series(np.where(close, 70.0, 10.0) * _noisy(1.0, len(days)), index=days)
    expected = (REMAINING - 3) * 10.0 + 3 * 70.0
    assert forecast_month_end(daily, AS_OF).expected_remaining == pytest.approx(expected, rel=0.1)


def test_a_warehouse_silent_for_a_month_is_expected_to_stay_silent():
    daily = _series(np.r_[_noisy(10.0, 100), np.zeros(40)])
    forecast = forecast_month_end(daily, AS_OF)
    assert (forecast.expected_remaining, forecast.low, forecast.high) == (0.0, 0.0, 0.0)


def _matrix(series: dict[tuple[str, int], pd.Series]) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "ACCOUNT_NAME": account,
                "WAREHOUSE_ID": warehouse_id,
                "WAREHOUSE_NAME": f"WH_{warehouse_id}",
                "WAREHOUSE_KEY": f"{account}/{warehouse_id}",
                "USAGE_DATE": credits.index,
                "CREDITS_USED": credits.to_numpy(),
            }
        )
        for (account, warehouse_id), credits in series.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_an_account_forecast_adds_up_its_warehouses():
    matrix = _matrix(
        {
            ("ACME", 1): _series(_noisy(10.0, 120, seed=1)),
            ("ACME", 2): _series(_noisy(30.0, 90, seed=2)),
            ("ACME", 3): _series([4.0, 6.0, 5.0]),  # three days old
            ("OTHER", 1): _series(_noisy(2.0, 60, seed=3)),
        }
    )
    outlook = month_end_outlook(matrix, AS_OF).set_index("SCOPE_KEY")
    assert list(outlook.columns) == [c for c in OUTLOOK_COLUMNS if c != "SCOPE_KEY"]
    warehouses = outlook[outlook["SCOPE"] == "warehouse"]
    acme = warehouses[warehouses["ACCOUNT_NAME"] == "ACME"]
    for column in ["MONTH_TO_DATE_CREDITS", "FORECAST_CREDITS"]:
        assert outlook.loc["ACME", column] == pytest.approx(acme[column].sum())
    young = outlook.loc["ACME/3"]
    assert young["EXPECTED_REMAINING_CREDITS"] == pytest.approx(5.0 * REMAINING)
    assert np.isnan(young["FORECAST_LOW_CREDITS"])
    account = outlook.loc["ACME"]
    assert account["FORECAST_LOW_CREDITS"] < account["FORECAST_CREDITS"]
    assert account["FORECAST_CREDITS"] < account["FORECAST_HIGH_CREDITS"]
    widths = acme["FORECAST_HIGH_CREDITS"] - acme["FORECAST_LOW_CREDITS"]
    assert account["FORECAST_HIGH_CREDITS"] - account["FORECAST_LOW_CREDITS"] <= widths.sum()
    assert (outlook["MONTH"] == "2026-03").all()


def test_budgets_say_who_will_exceed_and_by_how_much():
    outlook = pd.DataFrame(
        {
            "SCOPE_KEY": ["A/1", "A/2", "A/3", "A/4", "B/1"],
            "MONTH_TO_DATE_CREDITS": [120.0, 60.0, 40.0, 40.0, 10.0],
            "FORECAST_CREDITS": [200.0, 130.0, 90.0, 90.0, 20.0],
            "FORECAST_HIGH_CREDITS": [230.0, 150.0, 110.0, np.nan, 25.0],
        }
    )
    budgets = {"A/1": 100.0, "A/2": 100.0, "A/3": 100.0, "A/4": 100.0, "A": 1.0}
    status = budget_status(outlook, budgets).set_index("SCOPE_KEY")
    assert list(status.index) == ["A/1", "A/2", "A/3", "A/4"]  # only what has a budget
    assert list(status["BUDGET_STATUS"]) == ["exceeded", "on_track_to_exceed", "at_risk", "within"]
    assert status.loc["A/2", "OVER_BUDGET_CREDITS"] == pytest.approx(30.0)
    assert status.loc["A/3", "OVER_BUDGET_CREDITS"] == pytest.approx(-10.0)
    priced = with_cost(status, price_per_credit=3.0)
    assert priced.loc["A/2", "OVER_BUDGET_COST"] == pytest.approx(90.0)
    assert priced.loc["A/1", "FORECAST_COST"] == pytest.approx(600.0)
