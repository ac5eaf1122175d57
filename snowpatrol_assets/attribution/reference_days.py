"""Which ordinary days an anomalous day is compared with, so only those days are queried."""

from collections.abc import Mapping
from datetime import date

import pandas as pd

from snowpatrol_assets.usage.columns import USAGE_DATE, WAREHOUSE_KEY

REFERENCE_DATE = "REFERENCE_DATE"
REFERENCE_DAYS = 4
"""An anomalous day is compared with the same weekday of the previous four weeks..."""

MAX_LOOKBACK_WEEKS = 8
"""...skipping days that were themselves anomalous, looking back at most eight weeks."""


def reference_days(
    anomalies: pd.DataFrame, first_days: Mapping[str, pd.Timestamp] | None = None
) -> pd.DataFrame:
    """The ordinary days each anomalous warehouse-day is compared with.

    `anomalies` has one row per anomalous day (WAREHOUSE_KEY, USAGE_DATE); its days are never
    used as references. `first_days` (warehouse key -> first metered day) keeps references
    within a warehouse's life. Same weekday, so a Monday is compared with Mondays: usage of
    BI and ad hoc warehouses differs several-fold between weekdays and weekends. Returns
    WAREHOUSE_KEY, USAGE_DATE (the anomalous day) and REFERENCE_DATE; an anomaly early in a
    warehouse's life may have fewer than four references, or none.
    """
    anomalous = set(
        zip(anomalies[WAREHOUSE_KEY], pd.to_datetime(anomalies[USAGE_DATE]), strict=True)
    )
    first_days = {} if first_days is None else first_days
    rows = []
    for key, day in sorted(anomalous):
        first = pd.Timestamp(first_days.get(key, day - pd.Timedelta(weeks=MAX_LOOKBACK_WEEKS)))
        earlier = (day - pd.Timedelta(weeks=weeks) for weeks in range(1, MAX_LOOKBACK_WEEKS + 1))
        ordinary = [d for d in earlier if d >= first.normalize() and (key, d) not in anomalous]
        rows += [(key, day, reference) for reference in ordinary[:REFERENCE_DAYS]]
    frame = pd.DataFrame(rows, columns=[WAREHOUSE_KEY, USAGE_DATE, REFERENCE_DATE])
    return frame.astype({USAGE_DATE: "datetime64[ns]", REFERENCE_DATE: "datetime64[ns]"})


def days_to_query(anomalies: pd.DataFrame, references: pd.DataFrame) -> set[tuple[str, date]]:
    """The (warehouse key, day) pairs whose query history an explanation needs."""
    pairs = zip(
        [*anomalies[WAREHOUSE_KEY], *references[WAREHOUSE_KEY]],
        [*pd.to_datetime(anomalies[USAGE_DATE]), *references[REFERENCE_DATE]],
        strict=True,
    )
    return {(key, pd.Timestamp(day).date()) for key, day in pairs}
