"""Anomaly-detection maths for daily warehouse credits; imports no Dagster."""

from snowpatrol_assets.detection.anomalies import detect_anomalies
from snowpatrol_assets.detection.decomposition import InsufficientHistoryError, decompose
from snowpatrol_assets.detection.drift import DriftResult, ks_drift
from snowpatrol_assets.detection.isolation_forest import WarehouseModel, fit_model, score

__all__ = [
    "DriftResult",
    "InsufficientHistoryError",
    "WarehouseModel",
    "decompose",
    "detect_anomalies",
    "fit_model",
    "ks_drift",
    "score",
]
