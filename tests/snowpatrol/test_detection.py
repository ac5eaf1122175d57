"""The anomaly-detection maths on its own, without Dagster."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from snowpatrol_assets.detection import (
    InsufficientHistoryError,
    decompose,
    detect_anomalies,
    ks_drift,
)
from snowpatrol_assets.retraining import contiguous_runs, retrain_reasons
from snowpatrol_assets.simulation import SIMULATION_START, injected_anomalies, simulate_metering

WEEKLY = np.array([1.0, 1.1, 1.0, 1.05, 0.95, 0.3, 0.25])  # quiet weekends


def usage(days: int = 365, seed: int = 0, start: str = "2025-01-06") -> pd.Series:
    """A warehouse with growth, weekly seasonality and modest noise."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=days, freq="D")
    trend = 40 + np.arange(days) * 0.05
    values = trend * WEEKLY[index.dayofweek] * rng.lognormal(0, 0.05, days)
    return pd.Series(values, index=index)


def test_decomposition_recovers_the_weekly_pattern_and_adds_up():
    parts = decompose(usage())
    weekday = parts["seasonal"].groupby(parts.index.dayofweek).mean()
    assert weekday.iloc[:5].min() > weekday.iloc[5:].max()  # weekends below every weekday
    rebuilt = parts["trend"] + parts["seasonal"] + parts["residual"]
    np.testing.assert_allclose(rebuilt, parts["credits"])
    assert parts["residual"].abs().median() < 0.1 * parts["credits"].median()


def test_under_two_weeks_of_history_is_refused_with_the_day_count():
    with pytest.raises(InsufficientHistoryError, match="10 days of history"):
        decompose(usage(days=10))


def test_injected_spikes_and_runaway_are_flagged_and_normal_days_mostly_not():
    series = usage()
    spikes = ["2025-04-09", "2025-07-22", "2025-10-15"]
    for day in spikes:
        series[day] += 200
    series["2025-09-01":"2025-09-04"] *= 3.5
    result = detect_anomalies(series)
    flagged = set(result.index[result["is_anomaly"]].strftime("%Y-%m-%d"))
    assert set(spikes) <= flagged
    assert flagged & {"2025-09-01", "2025-09-02", "2025-09-03", "2025-09-04"}
    assert len(flagged) <= 12  # at most a handful of false alarms in a year


def test_result_keeps_the_callers_index_and_counts_gaps_as_idle_days():
    series = usage(days=120).drop(pd.to_datetime(["2025-02-03", "2025-02-04"]))
    result = detect_anomalies(series)
    assert result.index.equals(series.index)
    assert {"expected", "score", "is_anomaly"} <= set(result.columns)
    assert result["is_anomaly"].dtype == bool
    assert not result[["expected", "score"]].isna().any().any()


def test_unusually_low_usage_costs_nothing_and_is_not_flagged():
    series = usage()
    series["2025-06-11"] = 0.0
    result = detect_anomalies(series)
    assert not result.loc["2025-06-11", "is_anomaly"]
    assert result.loc["2025-06-11", "excess"] < 0


def test_ks_drift_separates_a_level_shift_from_the_same_distribution():
    rng = np.random.default_rng(3)
    index = pd.date_range("2025-01-01", periods=200)
    stable = pd.Series(rng.normal(0, 1, 200), index=index)
    shifted = stable.copy()
    shifted.iloc[-7:] += 6
    calm = ks_drift(stable)
    drift = ks_drift(shifted)
    assert not calm.drifted and calm.p_value > 0.05
    assert drift.drifted and drift.p_value < 0.01 and drift.statistic > 0.9
    assert (drift.recent_days, drift.reference_days) == (7, 193)


def test_ks_drift_needs_more_history_than_the_recent_window():
    with pytest.raises(ValueError, match="drift needs more than 7"):
        ks_drift(pd.Series([1.0] * 7, index=pd.date_range("2025-01-01", periods=7)))


def test_the_retraining_rule_trains_new_warehouses_and_drift_newer_than_the_model():
    trained_at = {"A/1": 10, "A/2": 10, "A/3": 30}
    reasons = retrain_reasons(["A/1", "A/2", "A/3", "A/4"], trained_at, {"A/2", "A/3"}, 20)
    assert reasons == {"A/2": "usage drifted", "A/4": "no model yet"}  # A/3 trained since


def test_runs_cover_exactly_the_needed_partitions():
    order = ["A/1", "A/2", "A/3", "A/4", "A/5"]
    assert contiguous_runs({"A/2", "A/4", "A/5"}, order) == [("A/2", "A/2"), ("A/4", "A/5")]
    assert contiguous_runs(set(), order) == []


@pytest.mark.slow
def test_robust_stl_catches_more_runaway_days_of_the_simulated_account_than_the_seed():
    end = date(2026, 11, 1)
    metering = simulate_metering(SIMULATION_START, end)
    labels = injected_anomalies(SIMULATION_START, end)
    runaways = labels[labels["KIND"] == "runaway"]
    caught = {"isolation_forest": 0, "robust_stl": 0}
    for name, rows in runaways.groupby("WAREHOUSE_NAME"):
        hours = metering[metering["WAREHOUSE_NAME"] == name]
        daily = hours.groupby(hours["START_TIME"].dt.normalize())["CREDITS_USED"].sum()
        for method in caught:
            flagged = detect_anomalies(daily, method=method)["is_anomaly"]
            caught[method] += int(flagged.reindex(rows["USAGE_DATE"]).fillna(False).sum())
    assert caught["robust_stl"] >= 1.5 * caught["isolation_forest"] > 0


def test_an_unknown_decomposition_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown decomposition 'fourier'"):
        decompose(usage(), method="fourier")
