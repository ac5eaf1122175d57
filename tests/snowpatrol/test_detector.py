"""The default detector on crafted warehouses: quiet on normal life, loud on costly anomalies."""

import pickle

import numpy as np
import pandas as pd
import pytest

from snowpatrol_assets.detection import (
    DEFAULT_METHOD,
    METHODS,
    DriftResult,
    InsufficientHistoryError,
    detect_anomalies,
    drifted_warehouses,
    fit_detector,
    score_usage,
)

WEEKDAYS = np.array([1.0, 1.05, 1.0, 1.0, 0.95, 0.35, 0.3])  # office-hours warehouse


def warehouse(days=365, level=20.0, noise=0.1, seed=0, start="2026-01-05") -> pd.Series:
    """Daily credits of a busy warehouse with a weekly pattern and lognormal noise."""
    index = pd.date_range(start, periods=days, freq="D")
    rng = np.random.default_rng(seed)
    return pd.Series(level * WEEKDAYS[index.dayofweek] * rng.lognormal(0, noise, days), index)


def flagged_days(result: pd.DataFrame) -> list[str]:
    return list(result.index[result["is_anomaly"]].strftime("%Y-%m-%d"))


def test_an_idle_warehouse_with_small_blips_raises_nothing():
    rng = np.random.default_rng(1)
    index = pd.date_range("2026-01-01", periods=400, freq="D")
    credits = np.where(rng.random(400) < 0.7, 0.0, rng.lognormal(np.log(0.4), 0.4, 400))
    blips = rng.random(400) < 0.05
    credits[blips] = rng.uniform(0.001, 0.05, blips.sum())
    result = detect_anomalies(pd.Series(credits, index))
    assert flagged_days(result) == []
    assert (result["expected"] < 0.4).all()  # mostly idle: less than an active day


def test_month_end_close_peaks_are_expected_even_on_weekends():
    series = warehouse(days=400, level=3.0, seed=2)
    close = series.index.day > series.index.days_in_month - 3
    series[close] = 21.0 * np.random.default_rng(3).lognormal(0, 0.1, close.sum())
    result = detect_anomalies(series)
    assert flagged_days(result) == []
    saturdays = close & (series.index.dayofweek == 5)
    assert saturdays.any()
    assert result.loc[saturdays, "expected"].median() > 10  # month-end size, not Saturday size


def test_a_persistent_level_shift_is_learnt_within_days():
    series = warehouse(days=300, noise=0.08, seed=4)
    step = series.index[150]
    series[step:] *= 2.5
    result = detect_anomalies(series)
    flagged = result.index[result["is_anomaly"]]
    assert all(step <= day < step + pd.Timedelta(days=8) for day in flagged)
    assert not result.loc[step + pd.Timedelta(days=8) :, "is_anomaly"].any()
    assert result["expected"].iloc[100 + 7 * 28] > 2 * result["expected"].iloc[100]  # same weekday


def test_a_new_warehouse_ramping_up_raises_nothing():
    series = warehouse(days=200, seed=5)
    ramp = np.minimum(1.0, 0.1 + 0.9 * np.arange(200) / 45)
    assert flagged_days(detect_anomalies(series * ramp)) == []


def test_a_one_day_spike_is_flagged_with_its_excess():
    series = warehouse(seed=6)
    series["2026-06-10"] *= 5
    result = detect_anomalies(series)
    assert flagged_days(result) == ["2026-06-10"]
    day = result.loc["2026-06-10"]
    assert day["score"] > day["threshold"]
    assert day["excess"] == pytest.approx(day["credits"] - day["expected"])
    assert 3 < day["credits"] / day["expected"] < 7


def test_every_day_of_a_runaway_plateau_is_flagged():
    series = warehouse(noise=0.2, seed=7)
    plateau = pd.date_range("2026-08-03", periods=5, freq="D")
    series[plateau] = 3 * 20.0 * np.random.default_rng(8).lognormal(0, 0.05, 5)
    flagged = detect_anomalies(series)["is_anomaly"]
    assert flagged[plateau].all()
    assert flagged.sum() <= 7  # the plateau and at most two other days in a year


def test_a_warehouse_that_never_ran_has_nothing_expected():
    series = pd.Series(0.0, pd.date_range("2026-01-01", periods=60, freq="D"))
    result = detect_anomalies(series)
    assert not result["is_anomaly"].any()
    assert (result["expected"] == 0).all()
    assert not result.isna().any().any()


def test_two_weeks_of_history_are_enough_and_fewer_are_refused():
    series = warehouse(days=14, seed=9)
    result = detect_anomalies(series)
    assert len(result) == 14 and not result.isna().any().any()
    with pytest.raises(InsufficientHistoryError, match="13 days of history"):
        detect_anomalies(series.iloc[:13])


@pytest.mark.parametrize("method", METHODS)
def test_expected_credits_are_never_negative(method):
    series = warehouse(days=200, noise=0.3, seed=10)
    series[series.index.dayofweek >= 5] = 0.0
    series.iloc[100:130] *= 0.05
    assert (detect_anomalies(series, method)["expected"] >= 0).all()


def test_an_unusual_but_tiny_excess_is_not_worth_an_alert():
    series = warehouse(level=0.2, noise=0.05, seed=11)
    series["2026-06-10"] = 1.0  # five times a usual weekday, 0.8 credits more
    assert "2026-06-10" not in flagged_days(detect_anomalies(series))
    assert "2026-06-10" in flagged_days(detect_anomalies(series, min_excess_credits=0.5))


def test_a_higher_relative_floor_silences_a_moderate_spike():
    series = warehouse(noise=0.05, seed=12)
    series["2026-06-10"] *= 2.5
    assert "2026-06-10" in flagged_days(detect_anomalies(series))
    assert flagged_days(detect_anomalies(series, min_excess_pct=200)) == []


@pytest.mark.parametrize("method", METHODS)
def test_fitting_once_and_scoring_later_equals_detecting(method):
    series = warehouse(days=120, seed=13).drop(pd.to_datetime(["2026-02-02"]))
    model = fit_detector(series, method)
    pd.testing.assert_frame_equal(score_usage(model, series), detect_anomalies(series, method))
    assert list(detect_anomalies(series, method).columns) == [
        "credits",
        "expected",
        "excess",
        "score",
        "threshold",
        "is_anomaly",
    ]


def test_the_default_model_is_small_and_judges_each_day_by_its_past_only():
    history = warehouse(days=200, seed=14)
    model = fit_detector(history)
    assert model.method == DEFAULT_METHOD
    assert len(pickle.dumps(model)) < 4_000
    later = warehouse(days=260, seed=14)
    later.iloc[230] *= 6
    scored = score_usage(model, later)
    assert flagged_days(scored) == [later.index[230].strftime("%Y-%m-%d")]
    pd.testing.assert_frame_equal(score_usage(model, later.iloc[:215]), scored.iloc[:215])


def test_an_unknown_method_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown detection method 'prophet'"):
        detect_anomalies(warehouse(days=30), method="prophet")


def test_benjamini_hochberg_calls_fewer_warehouses_drifted_than_raw_p_values():
    p_values = [0.0001, 0.001, 0.003, 0.02, 0.03, 0.044] + list(np.linspace(0.06, 0.95, 34))
    results = {f"A/WH_{i}": _drift(p) for i, p in enumerate(p_values)}
    fleet = drifted_warehouses(results)
    raw = {key for key, result in results.items() if result.drifted}
    assert fleet.drifted < raw
    assert fleet.drifted == {"A/WH_0", "A/WH_1", "A/WH_2"}  # p(k) <= 0.05 * k / 40
    assert fleet.p_value_threshold == 0.003
    assert drifted_warehouses(results, false_discovery_rate=0.3).drifted == raw
    assert drifted_warehouses({}).drifted == frozenset()


def _drift(p_value: float) -> DriftResult:
    return DriftResult(
        statistic=0.5, p_value=p_value, drifted=p_value < 0.05, recent_days=7, reference_days=90
    )


def test_a_runaway_stays_flagged_while_it_eases_below_the_one_day_threshold():
    series = warehouse(noise=0.35, seed=15)
    runaway = pd.date_range("2026-09-07", periods=5, freq="D")  # Monday to Friday
    usual = detect_anomalies(series).loc[runaway, "expected"]
    noise = fit_detector(series).fitted.noise_scale
    series[runaway] = usual * np.exp(noise * np.array([3.5, 2.75, 2.75, 2.75, 2.75]))
    result = detect_anomalies(series)
    assert result.loc[runaway, "is_anomaly"].all()
    assert (result.loc[runaway[1:], "score"] < result.loc[runaway[1:], "threshold"]).all()
