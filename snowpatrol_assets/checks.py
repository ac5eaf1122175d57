"""Asset checks of Snowpatrol: their names and what each one promises."""

from dagster import AssetCheckSpec

EVERY_DAY = "every_usage_day_present"
VALID_CREDITS = "credits_valid"
UNIQUE_HOUR = "one_row_per_warehouse_hour"
VALID_HOURS = "hours_valid"
ROW_RULES = (VALID_CREDITS, UNIQUE_HOUR, VALID_HOURS)
MAX_CREDITS_PER_HOUR = 10_000.0
"""Default plausibility bound for one warehouse-hour. A 6X-Large warehouse burns 512 credits an
hour per cluster, so 10,000 allows a 6X-Large running near 20 clusters; more is a data error."""
"""Rules whose failure keeps a fetch from being stored at all (see `warehouse_metering`)."""
COMPLETE_HISTORY = "usage_history_has_no_gaps"
UNIQUE_DAY = "one_row_per_warehouse_day"
DRIFT = "usage_drift_ks"


def metering_check_specs(asset: str) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(
            EVERY_DAY,
            asset=asset,
            blocking=True,
            description="Every usage day in the run has metering rows (an empty day is a gap).",
        ),
        AssetCheckSpec(
            VALID_CREDITS,
            asset=asset,
            blocking=True,
            description="No credit is missing, negative, or above the plausibility bound for one "
            "warehouse-hour (`max_credits_per_hour` in the run config). A fetch that fails "
            "is not stored.",
        ),
        AssetCheckSpec(
            UNIQUE_HOUR,
            asset=asset,
            blocking=True,
            description="One row per account, warehouse id and hour. A fetch that fails is not "
            "stored.",
        ),
        AssetCheckSpec(
            VALID_HOURS,
            asset=asset,
            blocking=True,
            description="Every row names its warehouse id, ends after it starts, and starts "
            "inside the requested days. A fetch that fails is not stored.",
        ),
    ]


def usage_check_specs(asset: str) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(
            COMPLETE_HISTORY,
            asset=asset,
            blocking=True,
            description="No day between the first and the last usage day lacks metering data.",
        ),
        AssetCheckSpec(
            UNIQUE_DAY,
            asset=asset,
            blocking=True,
            description="One row per warehouse (account and id) and day.",
        ),
    ]


def drift_check_spec(asset: str) -> AssetCheckSpec:
    return AssetCheckSpec(
        DRIFT,
        asset=asset,
        description="Kolmogorov-Smirnov test per warehouse: the last 7 days' log credits "
        "(relative to each weekday's usual level) against the 8 weeks before them, decided "
        "across the fleet with Benjamini-Hochberg (false discovery rate 5 %). Drifted "
        "warehouses are retrained.",
    )
