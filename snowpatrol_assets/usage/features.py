"""Which warehouses are modelled, and each one's daily series, from the usage matrix."""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from snowpatrol_assets.detection.decomposition import MIN_HISTORY_DAYS
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDITS,
    USAGE_DATE,
    WAREHOUSE,
    WAREHOUSE_KEY,
    WAREHOUSE_STATUS,
)
from snowpatrol_assets.usage.matrix import last_usage_days

DROPPED_AFTER_DAYS = 30
ACTIVE, TOO_SHORT, DROPPED = "active", "too_short", "dropped"


@dataclass
class WarehouseStatus:
    """Which warehouses can be modelled, and why the others are left out."""

    active: list[str] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)  # key -> last usage day
    too_short: dict[str, int] = field(default_factory=dict)  # key -> days of history


def classify_warehouses(matrix: pd.DataFrame) -> WarehouseStatus:
    """Active: used in the last 30 days with two weeks of history. Dropped: silent 30 days."""
    status = WarehouseStatus()
    if matrix.empty:
        return status
    last_day = matrix[USAGE_DATE].max()
    last_used = last_usage_days(matrix)
    history = matrix.groupby(WAREHOUSE_KEY)[USAGE_DATE].agg(["min", "count"])
    for key, (_, days) in history.sort_index().iterrows():
        used = last_used.get(key)
        if used is None or (last_day - used).days >= DROPPED_AFTER_DAYS:
            status.dropped[key] = "never" if used is None else used.date().isoformat()
        elif days < MIN_HISTORY_DAYS:
            status.too_short[key] = int(days)
        else:
            status.active.append(key)
    return status


def with_status(matrix: pd.DataFrame, status: WarehouseStatus) -> pd.DataFrame:
    """The matrix with each warehouse's status (active, too_short, dropped) on its rows, so
    every downstream step reads the one decision instead of making it again."""
    labels = dict.fromkeys(status.active, ACTIVE)
    labels |= dict.fromkeys(status.too_short, TOO_SHORT) | dict.fromkeys(status.dropped, DROPPED)
    return matrix.assign(**{WAREHOUSE_STATUS: matrix[WAREHOUSE_KEY].map(labels)})


def status_of(matrix: pd.DataFrame) -> WarehouseStatus:
    """The statuses `with_status` put on the matrix, read back (no recomputation)."""
    by_key = matrix.groupby(WAREHOUSE_KEY)
    labels, days, last_used = (
        by_key[WAREHOUSE_STATUS].first(),
        by_key.size(),
        last_usage_days(matrix),
    )
    status = WarehouseStatus()
    for key, label in labels.sort_index().items():
        if label == ACTIVE:
            status.active.append(key)
        elif label == TOO_SHORT:
            status.too_short[key] = int(days[key])
        else:
            used = last_used.get(key)
            status.dropped[key] = "never" if used is None else used.date().isoformat()
    return status


def warehouse_series(
    matrix: pd.DataFrame, keys: set[str] | None = None
) -> Iterator[tuple[str, str, str, pd.Series]]:
    """(key, account, warehouse name, daily credits by day) of each warehouse in `keys` (all
    when None), from one pass over the matrix."""
    rows = matrix if keys is None else matrix[matrix[WAREHOUSE_KEY].isin(keys)]
    for key, days in rows.groupby(WAREHOUSE_KEY, sort=True):
        credits = days.set_index(USAGE_DATE)[CREDITS].sort_index()
        yield key, days[ACCOUNT].iloc[-1], days[WAREHOUSE].iloc[-1], credits
