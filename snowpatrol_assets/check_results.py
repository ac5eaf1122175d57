"""Results of the Snowpatrol checks, computed on the data an asset has just produced."""

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from mlops_common.markdown import md_cell
from snowpatrol_assets.checks import (
    COMPLETE_HISTORY,
    DRIFT,
    EVERY_DAY,
    UNIQUE_DAY,
    UNIQUE_HOUR,
    VALID_CREDITS,
    VALID_HOURS,
)
from snowpatrol_assets.detection.drift import DriftResult, FleetDrift
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    START_TIME,
    USAGE_DATE,
    WAREHOUSE,
    WAREHOUSE_KEY,
)
from snowpatrol_assets.usage.validation import (
    METERING_KEY,
    OFFENDING_ROW_COLUMNS,
    describe_rows,
    duplicate_rows,
    implausible_credit_rows,
    invalid_interval_rows,
    missing_days,
)


def metering_check_results(
    metering: pd.DataFrame, first_day: pd.Timestamp, last_day: pd.Timestamp, max_credits: float
) -> list[AssetCheckResult]:
    """Results of the metering checks for the days [first_day, last_day] just fetched."""
    first, last = pd.Timestamp(first_day).date(), pd.Timestamp(last_day).date()
    return [
        _missing_days_result(EVERY_DAY, metering[START_TIME], first_day, last_day),
        _offending_rows_result(
            VALID_CREDITS,
            "invalid_rows",
            implausible_credit_rows(metering, max_credits),
            OFFENDING_ROW_COLUMNS,
            {"max_credits_per_hour": max_credits},
        ),
        _offending_rows_result(
            UNIQUE_HOUR,
            "duplicate_rows",
            duplicate_rows(metering, METERING_KEY),
            OFFENDING_ROW_COLUMNS,
        ),
        _offending_rows_result(
            VALID_HOURS,
            "invalid_rows",
            invalid_interval_rows(metering, first, last),
            OFFENDING_ROW_COLUMNS,
        ),
    ]


def usage_check_results(matrix: pd.DataFrame, metering_days: pd.Series):
    """Results of the history checks on the daily usage matrix."""
    if metering_days.empty:
        yield AssetCheckResult(
            check_name=COMPLETE_HISTORY, passed=False, metadata={"problem": "no metering rows"}
        )
    else:
        days = pd.to_datetime(metering_days)
        yield _missing_days_result(COMPLETE_HISTORY, days, days.min(), days.max())
    keys = [WAREHOUSE_KEY, USAGE_DATE]
    yield _offending_rows_result(
        UNIQUE_DAY, "duplicate_rows", duplicate_rows(matrix, keys), [ACCOUNT, WAREHOUSE, *keys]
    )


def _offending_rows_result(
    check_name: str,
    count_key: str,
    rows: pd.DataFrame,
    columns: list[str],
    extra: dict | None = None,
) -> AssetCheckResult:
    """Passes when `rows` is empty; otherwise names the offending rows (the first 20)."""
    return AssetCheckResult(
        check_name=check_name,
        passed=rows.empty,
        metadata={
            count_key: len(rows),
            "offending_rows": MetadataValue.md(describe_rows(rows, columns) or "none"),
            **(extra or {}),
        },
    )


def _missing_days_result(check_name, stamps: pd.Series, first_day, last_day) -> AssetCheckResult:
    gaps = missing_days(stamps, pd.Timestamp(first_day).date(), pd.Timestamp(last_day).date())
    return AssetCheckResult(
        check_name=check_name,
        passed=not gaps,
        metadata={
            "first_day": str(pd.Timestamp(first_day).date()),
            "last_day": str(pd.Timestamp(last_day).date()),
            "missing_day_count": len(gaps),
            "missing_days": MetadataValue.md(
                ", ".join(d.isoformat() for d in gaps[:60]) + (" …" if len(gaps) > 60 else "")
                or "none"
            ),
        },
    )


def drift_check_result(drift: dict[str, DriftResult], fleet: FleetDrift) -> AssetCheckResult:
    """Per-warehouse KS statistics and p-values, and the fleet-wide Benjamini-Hochberg call."""
    rows = [
        f"| {md_cell(k)} | {r.statistic:.3f} | {r.p_value:.4f} | "
        f"{'drifted' if k in fleet.drifted else 'stable'} |"
        for k, r in sorted(drift.items(), key=lambda item: item[1].p_value)
    ]
    table = "| Warehouse | KS statistic | p-value | Result |\n|---|---:|---:|---|\n" + "\n".join(
        rows
    )
    return AssetCheckResult(
        check_name=DRIFT,
        passed=not fleet.drifted,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "drifted_warehouses": MetadataValue.json(sorted(fleet.drifted)),
            "drifted_count": len(fleet.drifted),
            "tested_count": len(drift),
            "false_discovery_rate": fleet.false_discovery_rate,
            "p_value_threshold": fleet.p_value_threshold,
            "rule": "Benjamini-Hochberg over all tested warehouses: drifted when the adjusted "
            f"p-value is at most {fleet.false_discovery_rate}",
            "per_warehouse": MetadataValue.md(table),
        },
    )
