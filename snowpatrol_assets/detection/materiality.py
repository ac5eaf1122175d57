"""Materiality: an unusual day is only worth an alert when it also costs real money."""

import pandas as pd

from snowpatrol_assets.detection.methods import MIN_EXCESS_CREDITS, MIN_EXCESS_PCT


def is_material(
    excess: pd.Series,
    expected: pd.Series,
    min_excess_credits: float = MIN_EXCESS_CREDITS,
    min_excess_pct: float = MIN_EXCESS_PCT,
) -> pd.Series:
    """Days whose excess credits clear both the absolute and the relative floor."""
    return (excess >= min_excess_credits) & (excess >= expected * min_excess_pct / 100.0)
