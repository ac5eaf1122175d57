"""Anomaly-detection maths for daily warehouse credits; imports no Dagster.

The public names below load on first use, so `snowpatrol_assets.detection.methods` (names and
defaults Dagster config needs) can be imported without pandas when a code location loads.
"""

from importlib import import_module

_HOMES = {
    "DEFAULT_METHOD": "methods",
    "METHODS": "methods",
    "MIN_EXCESS_CREDITS": "methods",
    "MIN_EXCESS_PCT": "methods",
    "DetectorModel": "anomalies",
    "detect_anomalies": "anomalies",
    "fit_detector": "anomalies",
    "score_usage": "anomalies",
    "InsufficientHistoryError": "decomposition",
    "decompose": "decomposition",
    "DriftResult": "drift",
    "drifted_warehouses": "drift",
    "ks_drift": "drift",
    "usage_drift": "drift",
    "WarehouseModel": "isolation_forest",
    "fit_model": "isolation_forest",
    "score": "isolation_forest",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
