"""Asset checks of Snowpatrol: their names and what each one promises."""

from dagster import AssetCheckSpec

EVERY_DAY = "every_usage_day_present"
NON_NEGATIVE = "credits_non_negative"
UNIQUE_HOUR = "one_row_per_warehouse_hour"
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
            NON_NEGATIVE, asset=asset, blocking=True, description="No credit column is negative."
        ),
        AssetCheckSpec(
            UNIQUE_HOUR,
            asset=asset,
            blocking=True,
            description="One row per account, warehouse and hour.",
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
            description="One row per account, warehouse and day.",
        ),
    ]


def drift_check_spec(asset: str) -> AssetCheckSpec:
    return AssetCheckSpec(
        DRIFT,
        asset=asset,
        description="Kolmogorov-Smirnov test per warehouse: last 7 days' residuals against the "
        "history before them. Drifted warehouses are retrained.",
    )
