"""The anomaly report: Markdown text and a usage chart (no Dagster)."""
