"""Where a day sits in its month: the calendar positions month-end and month-start peaks use."""

import numpy as np
import pandas as pd

LAST_CALENDAR_DAYS = 5
FIRST_CALENDAR_DAYS = 3
LAST_BUSINESS_DAYS = 3
FIRST_BUSINESS_DAYS = 3

CALENDARS = (
    ("calendar days before month end", LAST_CALENDAR_DAYS),
    ("calendar day of month", FIRST_CALENDAR_DAYS),
    ("business days before month end", LAST_BUSINESS_DAYS),
    ("business day of month", FIRST_BUSINESS_DAYS),
)
"""Each calendar and how many positions of it can hold a peak (position 0 = the last day of
the month, the first day, the last business day, the first business day)."""


def month_positions(days: pd.DatetimeIndex) -> np.ndarray:
    """Position of each day in each of CALENDARS (one column per calendar), -1 when outside.

    Business days are Monday to Friday; a weekend day has no business-day position.
    """
    dates = days.to_numpy().astype("datetime64[D]")
    first = days.to_period("M").start_time.to_numpy().astype("datetime64[D]")
    after_last = first + days.days_in_month.to_numpy().astype("timedelta64[D]")
    business = np.is_busday(dates)
    counts = (
        days.days_in_month.to_numpy() - days.day.to_numpy(),
        days.day.to_numpy() - 1,
        np.where(business, np.busday_count(dates + 1, after_last), -1),
        np.where(business, np.busday_count(first, dates), -1),
    )
    columns = [
        np.where(count < size, count, -1)
        for count, (_, size) in zip(counts, CALENDARS, strict=True)
    ]
    return np.column_stack(columns)
