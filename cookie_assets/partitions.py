"""Partitions: cohort days and prediction days (both discovered as their files land), model
targets (fixed)."""

from dagster import DynamicPartitionsDefinition, StaticPartitionsDefinition

from cookie_assets.contract import TARGETS

cohorts = DynamicPartitionsDefinition(name="cookie_cohorts")
targets = StaticPartitionsDefinition(TARGETS)
# A day is added when its new-customers file lands (cookie_new_customers_sensor), so the
# partitions are the days the shop has data for, each of which is predicted; the freshness
# policy on predictions and bake plan shows a day that did not come.
prediction_days = DynamicPartitionsDefinition(name="cookie_prediction_days")
