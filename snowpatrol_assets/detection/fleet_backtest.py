"""Backtesting detection methods over a fleet of warehouses against labelled anomalies."""

from functools import partial

import pandas as pd

from snowpatrol_assets.detection.anomalies import detect_anomalies
from snowpatrol_assets.detection.evaluation import DetectionQuality, WarehouseDay, detection_quality
from snowpatrol_assets.detection.methods import METHODS


def backtest_methods(
    series: dict[str, pd.Series], labelled: set[WarehouseDay], methods=METHODS
) -> dict[str, DetectionQuality]:
    """Each method's quality when every warehouse is fitted and scored on its own history
    (default materiality floors), against `labelled` (warehouse key, day) pairs."""
    scored_days = sum(len(s) for s in series.values())
    in_scope = {(k, d) for k, d in labelled if k in series}
    return {
        method: detection_quality(_flagged(series, method), in_scope, scored_days)
        for method in methods
    }


def _flagged(series: dict[str, pd.Series], method: str) -> set[WarehouseDay]:
    """Every warehouse fitted and scored on its own history, spread over the cores."""
    from mlops_common.parallel import map_by_key

    days = map_by_key(partial(flagged_days, method=method), series.items())
    return {(key, day) for key, flagged in zip(series, days, strict=True) for day in flagged}


def flagged_days(credits: pd.Series, method: str) -> list[pd.Timestamp]:
    """The days `method` flags in one warehouse's history."""
    result = detect_anomalies(credits, method)
    return list(result.index[result["is_anomaly"]])
