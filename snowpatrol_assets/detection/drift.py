"""Data drift: do the last days' residuals come from the same distribution as the history?"""

from dataclasses import dataclass

import pandas as pd

RECENT_DAYS = 7
SIGNIFICANCE = 0.05


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
