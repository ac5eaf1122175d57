"""Raw metering from Snowflake and the complete warehouse x day usage matrix."""

from datetime import timedelta

from dagster import (
    AssetExecutionContext,
    AutomationCondition,
    BackfillPolicy,
    Config,
    Failure,
    MetadataValue,
    Output,
)
from pydantic import Field

from snowpatrol_assets.assets import groups
from snowpatrol_assets.checks import (
    MAX_CREDITS_PER_HOUR,
    ROW_RULES,
    metering_check_specs,
    usage_check_specs,
)
from snowpatrol_assets.partitions import usage_days
from snowpatrol_assets.sources import UsageSource
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDITS,
    START_TIME,
    USAGE_DATE,
    WAREHOUSE_ID,
    WAREHOUSE_KEY,
)
from snowpatrol_assets.usage_tables import UsageTables


class MeteringConfig(Config):
    max_credits_per_hour: float = Field(
        default=MAX_CREDITS_PER_HOUR,
        description="Plausibility bound for one warehouse-hour; a fetch with a row above it is "
        "refused (not stored) and the check names the row.",
    )


@groups.table_asset(
    groups.INGEST,
    extra_kinds={"snowflake"},
    partitions_def=usage_days,
    backfill_policy=BackfillPolicy.single_run(),
    metadata={"partition_expr": START_TIME},
    check_specs=metering_check_specs("warehouse_metering"),
    freshness_policy=groups.DAILY_FRESHNESS,
)
def warehouse_metering(
    context: AssetExecutionContext, config: MeteringConfig, usage_source: UsageSource
):
    """Hourly credits per warehouse as Snowflake meters them (WAREHOUSE_METERING_HISTORY).

    One partition per UTC usage day. Materialising a day again replaces its rows in one
    transaction, so late corrections from Snowflake are picked up without duplicates. Rows are
    checked before they are stored: a fetch with a missing, negative or implausible credit, a
    repeated warehouse-hour or a broken hour is not stored at all (the days keep the rows they
    had), and the failed check names the rows.
    """
    import pandas as pd

    from snowpatrol_assets.check_results import metering_check_results

    window = context.partition_time_window
    start, end = (pd.Timestamp(t).tz_convert("UTC").tz_localize(None) for t in window)
    metering = usage_source.fetch_metering_range(start.to_pydatetime(), end.to_pydatetime())
    context.log.info(
        f"Fetched {len(metering)} metering rows for [{start:%Y-%m-%d}, {end:%Y-%m-%d})"
    )
    checks = metering_check_results(
        metering, start, end - timedelta(days=1), config.max_credits_per_hour
    )
    refused = [c for c in checks if c.check_name in ROW_RULES and not c.passed]
    if refused:
        yield from checks
        raise Failure(
            description=f"Metering for [{start:%Y-%m-%d}, {end:%Y-%m-%d}) was not stored: "
            f"{', '.join(c.check_name for c in refused)} failed (the check results name the "
            "rows). The stored days are unchanged; re-pull them once the source is corrected.",
            metadata={c.check_name: c.metadata["offending_rows"] for c in refused},
        )
    yield Output(
        metering,
        metadata={
            "rows": len(metering),
            "warehouses": int(metering[[ACCOUNT, WAREHOUSE_ID]].drop_duplicates().shape[0]),
            "credits_used": round(float(metering[CREDITS].sum()), 2),
            "days": len(context.partition_keys),
        },
    )
    yield from checks


@groups.table_asset(
    groups.INGEST,
    deps=[warehouse_metering],
    check_specs=usage_check_specs("warehouse_daily_usage"),
    automation_condition=AutomationCondition.eager(),
)
def warehouse_daily_usage(context: AssetExecutionContext, usage_tables: UsageTables):
    """Credits per warehouse per day: every warehouse on every day since it first ran (idle
    days are zero), with the 30-day moving average and standard deviation of credits, and each
    warehouse's status: active (modelled and scored), too_short (under two weeks of history)
    or dropped (silent for 30 days). Built by the database from the stored hourly rows (DuckDB
    locally, Snowflake in production): the hourly rows never leave it."""
    from snowpatrol_assets.check_results import usage_check_results
    from snowpatrol_assets.usage.features import classify_warehouses, with_status

    matrix = usage_tables.daily_matrix()
    days = usage_tables.metered_days()
    last_day = matrix[USAGE_DATE].max() if not matrix.empty else None
    status = classify_warehouses(matrix)
    for key, last_used in status.dropped.items():
        context.log.warning(f"Warehouse {key!r} looks dropped: no usage since {last_used}")
    yield Output(
        with_status(matrix, status),
        metadata={
            "rows": len(matrix),
            "warehouses": int(matrix[WAREHOUSE_KEY].nunique()),
            "first_day": str(days.min().date()) if not days.empty else "none",
            "last_day": str(last_day.date()) if last_day is not None else "none",
            "active_warehouses": MetadataValue.json(status.active),
            "dropped_warehouses": MetadataValue.json(status.dropped),
            "short_history_warehouses": MetadataValue.json(status.too_short),
        },
    )
    yield from usage_check_results(matrix, days)
