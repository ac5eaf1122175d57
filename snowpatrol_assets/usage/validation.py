"""Data-quality rules for metering rows; each returns the offending rows or days, empty if fine.

Metering rows are validated before they are stored: a day whose rows break a rule is not
written at all, so no later run can read them (see the `warehouse_metering` asset).
"""

from datetime import date

import pandas as pd

from mlops_common.markdown import md_cell
from snowpatrol_assets.checks import MAX_CREDITS_PER_HOUR
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDIT_COLUMNS,
    END_TIME,
    START_TIME,
    WAREHOUSE,
    WAREHOUSE_ID,
)


def missing_days(usage_days: pd.Series, first: date, last: date) -> list[date]:
    """Days between `first` and `last` (inclusive) on which no warehouse has any metering row."""
    expected = pd.date_range(first, last, freq="D")
    present = pd.DatetimeIndex(pd.to_datetime(usage_days).dt.normalize().unique())
    return [d.date() for d in expected.difference(present)]


def implausible_credit_rows(
    metering: pd.DataFrame, max_credits_per_hour: float = MAX_CREDITS_PER_HOUR
) -> pd.DataFrame:
    """Rows where a credit column is missing (NaN), negative, or above the plausibility bound."""
    credits = metering[CREDIT_COLUMNS].apply(pd.to_numeric, errors="coerce")
    bad = credits.isna() | (credits < 0) | (credits > max_credits_per_hour)
    return metering[bad.any(axis=1)]


def invalid_interval_rows(metering: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """Rows without a warehouse id or times, ending before they start, or starting outside the
    requested days [first, last]: stored under the wrong day they would never be replaced."""
    start, end = metering[START_TIME], metering[END_TIME]
    outside = (start < pd.Timestamp(first)) | (start >= pd.Timestamp(last) + pd.Timedelta(days=1))
    missing = start.isna() | end.isna() | metering[WAREHOUSE_ID].isna()
    return metering[missing | (end <= start) | outside]


def duplicate_rows(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every row whose key appears more than once."""
    return frame[frame.duplicated(subset=keys, keep=False)].sort_values(keys)


METERING_KEY = [ACCOUNT, WAREHOUSE_ID, START_TIME]
"""One metering row per account, warehouse and hour."""
OFFENDING_ROW_COLUMNS = [ACCOUNT, WAREHOUSE, WAREHOUSE_ID, START_TIME, END_TIME, *CREDIT_COLUMNS]


def describe_rows(rows: pd.DataFrame, columns: list[str], limit: int = 20) -> str:
    """A short Markdown list of offending rows (values escaped) for check metadata and errors."""
    lines = [
        "- " + ", ".join(f"{c}={md_cell(row[c])}" for c in columns)
        for _, row in rows.head(limit).iterrows()
    ]
    if len(rows) > limit:
        lines.append(f"- … and {len(rows) - limit} more")
    return "\n".join(lines)
