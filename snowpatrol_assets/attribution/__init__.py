"""Who or what caused an anomalous day's extra credits; pure pandas, imports no Dagster."""

from snowpatrol_assets.attribution.contributors import (
    CONTRIBUTOR_COLUMNS,
    ExcessExplanation,
    explain_excess,
)
from snowpatrol_assets.attribution.reference_days import days_to_query, reference_days
from snowpatrol_assets.attribution.top_cause import top_cause

__all__ = [
    "CONTRIBUTOR_COLUMNS",
    "ExcessExplanation",
    "days_to_query",
    "explain_excess",
    "reference_days",
    "top_cause",
]
