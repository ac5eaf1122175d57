"""Usage days and warehouses: the two ways Snowpatrol's assets are partitioned."""

from dagster import DailyPartitionsDefinition, DynamicPartitionsDefinition

from snowpatrol_assets.history import history_start

usage_days = DailyPartitionsDefinition(start_date=history_start().isoformat(), timezone="UTC")
"""One partition per UTC usage day; the newest is yesterday, the last complete day."""

warehouses = DynamicPartitionsDefinition(name="snowpatrol_warehouses")
"""One partition per `ACCOUNT/WAREHOUSE`, added by the warehouse sync sensor as they appear."""
