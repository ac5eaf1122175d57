"""Usage days and warehouses: the two ways Snowpatrol's assets are partitioned."""

import os

from dagster import DailyPartitionsDefinition, DynamicPartitionsDefinition

HISTORY_START = os.environ.get("SNOWPATROL_HISTORY_START", "2025-10-01")

usage_days = DailyPartitionsDefinition(start_date=HISTORY_START, timezone="UTC")
"""One partition per UTC usage day; the newest is yesterday, the last complete day."""

warehouses = DynamicPartitionsDefinition(name="snowpatrol_warehouses")
"""One partition per `ACCOUNT/WAREHOUSE`, added by the warehouse sync sensor as they appear."""
