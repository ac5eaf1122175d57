"""Data drift: has a warehouse's usage of the last week left the distribution of the weeks
before it?"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from snowpatrol_assets.detection.robust_baseline import NEGLIGIBLE_CREDITS

RECENT_DAYS = 7
REFERENCE_DAYS = 56
"""The last week is compared with the eight weeks before it: long enough for a stable
distribution, short enough that a year of steady growth is not called drift."""
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


def usage_drift(
    credits: pd.Series, recent_days: int = RECENT_DAYS, reference_days: int = REFERENCE_DAYS
) -> DriftResult:
    """KS drift of one warehouse's daily credits: the last `recent_days` against the
    `reference_days` before them, on a log scale (tripled usage is the same shift on a 2-credit
    and a 200-credit warehouse) and relative to each weekday's median in the reference weeks.

    The residual of a moving-average decomposition hides exactly this: its trend follows a
    level shift at the end of the series, so a week at 10x usage left the residual unchanged.
    """
    window = credits.sort_index().iloc[-(recent_days + reference_days) :]
    logged = pd.Series(
        np.log(np.maximum(window.to_numpy(dtype=float), NEGLIGIBLE_CREDITS)), index=window.index
    )
    reference = logged.iloc[:-recent_days]
    weekday_median = reference.groupby(reference.index.dayofweek).median()
    usual = weekday_median.reindex(logged.index.dayofweek).fillna(reference.median())
    return ks_drift(logged - usual.to_numpy(), recent_days)


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
