"""Names of the cookie code location."""

LOCATION = "cookie"
SCHEMA = "cookie"
TABLES_POOL = "cookie_tables"
"""Concurrency pool of the steps that write the location's tables (one at a time locally, where
they share a DuckDB file; dagster_instance/dagster.yaml sets the limit)."""
