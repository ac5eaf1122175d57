"""Per-warehouse features: weekly decomposition of daily credits, for warehouses still in use."""

from dataclasses import dataclass, field

import pandas as pd

from snowpatrol_assets.detection.decomposition import CLASSICAL, MIN_HISTORY_DAYS, decompose
from snowpatrol_assets.usage.columns import ACCOUNT, CREDITS, USAGE_DATE, WAREHOUSE, WAREHOUSE_KEY
from snowpatrol_assets.usage.matrix import last_usage_days

DROPPED_AFTER_DAYS = 30
FEATURE_COLUMNS = ["TREND", "SEASONAL", "RESIDUAL"]


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


def warehouse_features(
    matrix: pd.DataFrame, keys: list[str], method: str = CLASSICAL
) -> pd.DataFrame:
    """Trend, seasonal and residual of daily credits for each warehouse in `keys`."""
    frames = []
    for key, rows in matrix[matrix[WAREHOUSE_KEY].isin(keys)].groupby(WAREHOUSE_KEY):
        parts = decompose(rows.set_index(USAGE_DATE)[CREDITS], method)
        frame = parts.rename(columns=str.upper).rename(columns={"CREDITS": CREDITS})
        frame = frame.rename_axis(USAGE_DATE).reset_index()
        frame.insert(0, ACCOUNT, rows[ACCOUNT].iloc[0])
        frame.insert(1, WAREHOUSE, rows[WAREHOUSE].iloc[0])
        frame.insert(2, WAREHOUSE_KEY, key)
        frames.append(frame)
    columns = [ACCOUNT, WAREHOUSE, WAREHOUSE_KEY, USAGE_DATE, CREDITS, *FEATURE_COLUMNS]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def residuals(features: pd.DataFrame, key: str) -> pd.DataFrame:
    """One warehouse's features indexed by day, in the detection maths' lower-case names."""
    rows = features[features[WAREHOUSE_KEY] == key].set_index(USAGE_DATE).sort_index()
    return (
        rows[[CREDITS, *FEATURE_COLUMNS]]
        .rename(columns={CREDITS: "credits"})
        .rename(columns=str.lower)
    )
