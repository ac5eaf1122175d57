"""Anomaly-detection maths for daily warehouse credits; imports no Dagster."""

from snowpatrol_assets.detection.anomalies import (
    DEFAULT_METHOD,
    METHODS,
    DetectorModel,
    detect_anomalies,
    fit_detector,
    score_usage,
)
from snowpatrol_assets.detection.decomposition import InsufficientHistoryError, decompose
from snowpatrol_assets.detection.drift import DriftResult, drifted_warehouses, ks_drift
from snowpatrol_assets.detection.isolation_forest import WarehouseModel, fit_model, score
from snowpatrol_assets.detection.materiality import MIN_EXCESS_CREDITS, MIN_EXCESS_PCT

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "MIN_EXCESS_CREDITS",
    "MIN_EXCESS_PCT",
    "DetectorModel",
    "DriftResult",
    "InsufficientHistoryError",
    "WarehouseModel",
    "decompose",
    "detect_anomalies",
    "drifted_warehouses",
    "fit_detector",
    "fit_model",
    "ks_drift",
    "score",
    "score_usage",
]
