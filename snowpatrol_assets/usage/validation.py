"""Data-quality rules for metering rows; each returns the offending rows or days, empty if fine."""

from datetime import date

import pandas as pd

from snowpatrol_assets.usage.columns import ACCOUNT, CREDIT_COLUMNS, START_TIME, WAREHOUSE


def missing_days(usage_days: pd.Series, first: date, last: date) -> list[date]:
    """Days between `first` and `last` (inclusive) on which no warehouse has any metering row."""
    expected = pd.date_range(first, last, freq="D")
    present = pd.DatetimeIndex(pd.to_datetime(usage_days).dt.normalize().unique())
    return [d.date() for d in expected.difference(present)]


def negative_credit_rows(metering: pd.DataFrame) -> pd.DataFrame:
    """Rows where any credit column is below zero."""
    return metering[(metering[CREDIT_COLUMNS] < 0).any(axis=1)]


def duplicate_rows(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every row whose key appears more than once."""
    return frame[frame.duplicated(subset=keys, keep=False)].sort_values(keys)


def duplicate_metering_rows(metering: pd.DataFrame) -> pd.DataFrame:
    """Metering rows that repeat an (account, warehouse, hour)."""
    return duplicate_rows(metering, [ACCOUNT, WAREHOUSE, START_TIME])


def describe_rows(rows: pd.DataFrame, columns: list[str], limit: int = 20) -> str:
    """A short Markdown list of offending rows for check metadata and logs."""
    lines = [
        "- " + ", ".join(f"{c}={row[c]}" for c in columns) for _, row in rows.head(limit).iterrows()
    ]
    if len(rows) > limit:
        lines.append(f"- … and {len(rows) - limit} more")
    return "\n".join(lines)
