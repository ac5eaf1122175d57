"""The complete warehouse x day matrix of credits, with 30-day bands."""

import pandas as pd

from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDIT_COLUMNS,
    CREDITS,
    START_TIME,
    USAGE_DATE,
    WAREHOUSE,
    WAREHOUSE_KEY,
    warehouse_key,
)

BAND_DAYS = 30
MOVING_AVG = "CREDITS_MOVING_AVG_30D"
MOVING_STD = "CREDITS_MOVING_STD_30D"


def daily_usage_matrix(metering: pd.DataFrame, last_day: pd.Timestamp) -> pd.DataFrame:
    """Daily credits per warehouse, one row per day from its first usage to `last_day`.

    Days a warehouse did not run have no metering rows; they become 0 credits. Each row carries
    the 30-day moving average and standard deviation of credits used.
    """
    daily = (
        metering.assign(**{USAGE_DATE: metering[START_TIME].dt.normalize()})
        .groupby([ACCOUNT, WAREHOUSE, USAGE_DATE], as_index=False)[CREDIT_COLUMNS]
        .sum()
    )
    frames = [
        _complete_warehouse(rows, account, warehouse, pd.Timestamp(last_day).normalize())
        for (account, warehouse), rows in daily.groupby([ACCOUNT, WAREHOUSE], sort=True)
    ]
    if not frames:
        return pd.DataFrame(
            columns=[ACCOUNT, WAREHOUSE, WAREHOUSE_KEY, USAGE_DATE, *CREDIT_COLUMNS]
            + [MOVING_AVG, MOVING_STD]
        )
    return pd.concat(frames, ignore_index=True)


def _complete_warehouse(
    rows: pd.DataFrame, account: str, warehouse: str, last_day: pd.Timestamp
) -> pd.DataFrame:
    days = pd.date_range(rows[USAGE_DATE].min(), max(last_day, rows[USAGE_DATE].max()), freq="D")
    frame = rows.set_index(USAGE_DATE)[CREDIT_COLUMNS].reindex(days, fill_value=0.0)
    rolling = frame[CREDITS].rolling(BAND_DAYS, min_periods=1)
    frame[MOVING_AVG] = rolling.mean()
    frame[MOVING_STD] = rolling.std().fillna(0.0)
    frame = frame.rename_axis(USAGE_DATE).reset_index()
    frame.insert(0, ACCOUNT, account)
    frame.insert(1, WAREHOUSE, warehouse)
    frame.insert(2, WAREHOUSE_KEY, warehouse_key(account, warehouse))
    return frame


def last_usage_days(matrix: pd.DataFrame) -> pd.Series:
    """The last day each warehouse used any credits, by warehouse key."""
    used = matrix[matrix[CREDITS] > 0]
    return used.groupby(WAREHOUSE_KEY)[USAGE_DATE].max()
