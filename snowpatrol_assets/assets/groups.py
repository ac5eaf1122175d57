"""How Snowpatrol's assets are grouped in the UI, and how fresh its daily assets must be."""

from datetime import timedelta

from dagster import FreshnessPolicy, asset

INGEST = "snowpatrol_ingest"
FEATURES = "snowpatrol_features"
MODELS = "snowpatrol_models"
SCORING = "snowpatrol_scoring"

TABLES_POOL = "snowpatrol_tables"
"""The location's tables share one DuckDB file locally, which one process writes at a time:
every asset that stores a table takes this pool (one step at a time, see dagster.yaml)."""

DAILY_FRESHNESS = FreshnessPolicy.time_window(
    fail_window=timedelta(hours=48), warn_window=timedelta(hours=30)
)
"""Usage days land daily: a warning after 30 hours without a new materialisation, a failure
after 48 (the daily refresh runs at 07:00 UTC, so one missed day is visible the next morning)."""


def table_asset(group: str, extra_kinds: frozenset[str] = frozenset(), **options):
    """`dagster.asset` for a Snowpatrol asset stored as a table: in `group`, in the tables
    pool, of kind pandas (plus `extra_kinds`; the definitions root adds where tables live)."""
    return asset(group_name=group, pool=TABLES_POOL, kinds={"pandas", *extra_kinds}, **options)
