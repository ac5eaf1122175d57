"""Data drift: do the last days' residuals come from the same distribution as the history?"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

RECENT_DAYS = 7
SIGNIFICANCE = 0.05
FALSE_DISCOVERY_RATE = 0.05


@dataclass(frozen=True)
class DriftResult:
    statistic: float
    p_value: float
    drifted: bool
    recent_days: int
    reference_days: int


def ks_drift(
    residual: pd.Series, recent_days: int = RECENT_DAYS, significance: float = SIGNIFICANCE
) -> DriftResult:
    """Two-sample Kolmogorov-Smirnov test of the last `recent_days` against all days before."""
    from scipy.stats import ks_2samp

    values = residual.sort_index().dropna()
    if len(values) <= recent_days:
        raise ValueError(f"{len(values)} days of residuals; drift needs more than {recent_days}")
    reference, recent = values.iloc[:-recent_days], values.iloc[-recent_days:]
    result = ks_2samp(reference.to_numpy(), recent.to_numpy())
    return DriftResult(
        statistic=float(result.statistic),
        p_value=float(result.pvalue),
        drifted=bool(result.pvalue < significance),
        recent_days=len(recent),
        reference_days=len(reference),
    )


@dataclass(frozen=True)
class FleetDrift:
    """Which warehouses drifted when the whole fleet is tested at once.

    Testing every warehouse at p < 0.05 calls about one warehouse in twenty "drifted" by
    chance alone, and each call triggers a retrain. Benjamini-Hochberg keeps the expected share
    of false calls among the drifted warehouses at `false_discovery_rate`; `p_value_threshold`
    is the largest p-value it still calls drifted (0.0 when none is).
    """

    drifted: frozenset[str]
    p_value_threshold: float
    false_discovery_rate: float


def drifted_warehouses(
    results: dict[str, DriftResult], false_discovery_rate: float = FALSE_DISCOVERY_RATE
) -> FleetDrift:
    """The warehouses whose KS drift test stays significant under Benjamini-Hochberg control."""
    from scipy.stats import false_discovery_control

    keys = list(results)
    if not keys:
        return FleetDrift(frozenset(), 0.0, false_discovery_rate)
    p_values = np.array([results[k].p_value for k in keys])
    significant = false_discovery_control(p_values, method="bh") <= false_discovery_rate
    threshold = float(p_values[significant].max()) if significant.any() else 0.0
    return FleetDrift(
        drifted=frozenset(k for k, hit in zip(keys, significant, strict=True) if hit),
        p_value_threshold=threshold,
        false_discovery_rate=false_discovery_rate,
    )
