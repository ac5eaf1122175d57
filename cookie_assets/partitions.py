"""Partitions: cohort days (discovered), model targets (fixed), prediction days (daily)."""

from dagster import (
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    StaticPartitionsDefinition,
)

from cookie_assets.contract import TARGETS

cohorts = DynamicPartitionsDefinition(name="cookie_cohorts")
targets = StaticPartitionsDefinition(TARGETS)
prediction_days = DailyPartitionsDefinition(start_date="2024-01-01")
