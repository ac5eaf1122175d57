"""Table logic for warehouse metering, in plain pandas (no Dagster)."""
