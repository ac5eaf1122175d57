"""Detection methods and materiality floors by name: importable without pandas, so Dagster
config and code-location loading can use them."""

ROBUST_BASELINE = "robust_baseline"
ISOLATION_FOREST = "isolation_forest"
ROBUST_STL_FOREST = "robust_stl"
DEFAULT_METHOD = ROBUST_BASELINE
METHODS = (ROBUST_BASELINE, ISOLATION_FOREST, ROBUST_STL_FOREST)

MIN_EXCESS_CREDITS = 1.0
"""An anomaly must burn at least one credit more than expected..."""

MIN_EXCESS_PCT = 50.0
"""...and at least 50 % more than expected."""
