"""The complete warehouse x day matrix of credits, with 30-day bands."""

import pandas as pd

from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDIT_COLUMNS,
    CREDITS,
    START_TIME,
    USAGE_DATE,
    WAREHOUSE,
    WAREHOUSE_ID,
    WAREHOUSE_KEY,
    warehouse_key,
)

BAND_DAYS = 30
MOVING_AVG = "CREDITS_MOVING_AVG_30D"
MOVING_STD = "CREDITS_MOVING_STD_30D"


def daily_usage_matrix(metering: pd.DataFrame, last_day: pd.Timestamp) -> pd.DataFrame:
    """Daily credits per warehouse, one row per day from its first usage to `last_day`.

    Days a warehouse did not run have no metering rows; they become 0 credits. Each row carries
    the 30-day moving average and standard deviation of credits used. A warehouse is identified
    by its account and WAREHOUSE_ID, so a renamed warehouse keeps its history; every row shows
    its latest name.
    """
    latest_names = (
        metering.sort_values(START_TIME).groupby([ACCOUNT, WAREHOUSE_ID])[WAREHOUSE].last()
    )
    daily = (
        metering.assign(**{USAGE_DATE: metering[START_TIME].dt.normalize()})
        .groupby([ACCOUNT, WAREHOUSE_ID, USAGE_DATE], as_index=False)[CREDIT_COLUMNS]
        .sum()
    )
    frames = [
        _complete_warehouse(
            rows, account, warehouse_id, latest_names[(account, warehouse_id)], last_day
        )
        for (account, warehouse_id), rows in daily.groupby([ACCOUNT, WAREHOUSE_ID], sort=True)
    ]
    if not frames:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    return pd.concat(frames, ignore_index=True)


MATRIX_COLUMNS = [
    ACCOUNT,
    WAREHOUSE_ID,
    WAREHOUSE,
    WAREHOUSE_KEY,
    USAGE_DATE,
    *CREDIT_COLUMNS,
    MOVING_AVG,
    MOVING_STD,
]


def _complete_warehouse(
    rows: pd.DataFrame, account: str, warehouse_id: int, warehouse: str, last_day: pd.Timestamp
) -> pd.DataFrame:
    last_day = pd.Timestamp(last_day).normalize()
    days = pd.date_range(rows[USAGE_DATE].min(), max(last_day, rows[USAGE_DATE].max()), freq="D")
    frame = rows.set_index(USAGE_DATE)[CREDIT_COLUMNS].reindex(days, fill_value=0.0)
    rolling = frame[CREDITS].rolling(BAND_DAYS, min_periods=1)
    frame[MOVING_AVG] = rolling.mean()
    frame[MOVING_STD] = rolling.std().fillna(0.0)
    frame = frame.rename_axis(USAGE_DATE).reset_index()
    frame.insert(0, ACCOUNT, account)
    frame.insert(1, WAREHOUSE_ID, int(warehouse_id))
    frame.insert(2, WAREHOUSE, warehouse)
    frame.insert(3, WAREHOUSE_KEY, warehouse_key(account, warehouse_id))
    return frame


def last_usage_days(matrix: pd.DataFrame) -> pd.Series:
    """The last day each warehouse used any credits, by warehouse key."""
    used = matrix[matrix[CREDITS] > 0]
    return used.groupby(WAREHOUSE_KEY)[USAGE_DATE].max()
