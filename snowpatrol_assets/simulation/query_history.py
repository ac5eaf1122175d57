"""Simulated query-level credits that add up to the simulated warehouse metering.

Rows look like ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY joined with QUERY_HISTORY's role and
text (see ``attribution/columns.py``). In every warehouse-hour that meters compute credits, a
share of 5-25 % is idle time no query is charged for; the rest is split over the warehouse's
cast of parameterized queries by their stable weights, each query's share varying a little
from day to day. An anomaly's extra credits go to its cause (see ``workload_cast.py``), so the
labels of :func:`injected_anomalies` say who a correct explanation must name.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from snowpatrol_assets.attribution.columns import (
    ATTRIBUTED_CREDITS,
    QUERY_HASH,
    QUERY_HISTORY_COLUMNS,
    QUERY_ID,
    QUERY_TAG,
    QUERY_TEXT,
    ROLE,
    USER,
)
from snowpatrol_assets.simulation.account import (
    SIMULATED_WAREHOUSES,
    WarehouseProfile,
    _as_date,
    _stream,
    compute_by_cause,
    simulated_cast,
)
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    END_TIME,
    START_TIME,
    WAREHOUSE,
    WAREHOUSE_ID,
    warehouse_key,
)

IDLE_SHARE = (0.05, 0.25)
"""Range of the share of an hour's compute credits that is idle time, charged to no query."""

_QUERY_SEED = 60606  # its own random stream: metering and labels stay as they are
_DAILY_SHARE_SIGMA = 0.3  # day-to-day lognormal variation of a query's share
_LATEST_START_SECONDS = 3000  # queries start in the first 50 minutes of their hour
_QUERY_FIELDS = {  # column -> CastQuery field
    QUERY_HASH: "parameterized_hash",
    QUERY_TEXT: "text",
    USER: "user",
    ROLE: "role",
    QUERY_TAG: "tag",
}
_MS = 1_000
_DTYPES = {
    WAREHOUSE_ID: "int64",
    START_TIME: "datetime64[ns]",
    END_TIME: "datetime64[ns]",
    ATTRIBUTED_CREDITS: "float64",
}
_EPOCH = date(1970, 1, 1).toordinal()


def simulate_query_history(
    start: date,
    end: date,
    warehouses: Iterable[WarehouseProfile] = SIMULATED_WAREHOUSES,
    days: set[tuple[str, date]] | None = None,
) -> pd.DataFrame:
    """Query attribution rows of usage days in ``[start, end)``, sorted by START_TIME.

    `days` restricts the rows to those (warehouse key, day) pairs, e.g. anomalous days and
    their reference days. Per warehouse-hour, CREDITS_ATTRIBUTED_COMPUTE adds up (within
    6-decimal rounding) to the metering's CREDITS_USED_COMPUTE minus the idle share; a day
    looks the same whichever range or pairs it is requested with.
    """
    start, end = _as_date(start), _as_date(end)
    wanted = _days_by_warehouse(days)
    every_day = [start + timedelta(days=i) for i in range((end - start).days)]
    chunks = []
    for wh in warehouses:
        key = warehouse_key(wh.account, wh.warehouse_id)
        asked = (
            every_day if wanted is None else [d for d in wanted.get(key, ()) if start <= d < end]
        )
        for day, normal, extra, cause in compute_by_cause(wh, asked):
            queries = simulated_cast(wh) + (cause.queries if cause else ())
            chunks.append(_day_rows(wh, day, normal, extra, queries))
    columns = {
        column: np.concatenate([chunk[column] for chunk in chunks]) if chunks else []
        for column in QUERY_HISTORY_COLUMNS
    }
    frame = pd.DataFrame(columns).astype(_DTYPES)
    return frame.sort_values(
        [START_TIME, ACCOUNT, WAREHOUSE, QUERY_ID], ignore_index=True, kind="stable"
    )[QUERY_HISTORY_COLUMNS]


def _day_rows(
    wh: WarehouseProfile, day: date, normal: np.ndarray, extra: np.ndarray, queries: tuple
) -> dict[str, np.ndarray]:
    """One warehouse-day's columns: the ordinary cast first, then the anomaly's cause."""
    cast_size = len(simulated_cast(wh))
    rng = _stream(_QUERY_SEED, wh, day.toordinal())
    idle = IDLE_SHARE[0] + (IDLE_SHARE[1] - IDLE_SHARE[0]) * rng.random(24)
    daily_share = np.exp(_DAILY_SHARE_SIGMA * rng.standard_normal(cast_size))
    timing = rng.random((2, 24, len(queries)))
    metered = (normal + extra).round(6)  # exactly the metering's hourly compute
    attributed = metered * (1.0 - idle)
    total = normal + extra
    ordinary = np.divide(normal, total, out=np.zeros(24), where=total > 0)
    weights = np.array([q.weight for q in queries])
    weights[:cast_size] *= daily_share / (weights[:cast_size] * daily_share).sum()
    part = np.where(np.arange(len(queries)) < cast_size, ordinary[:, None], 1 - ordinary[:, None])
    credits = (attributed[:, None] * part * weights[None, :]).round(6)
    hour, query = np.nonzero(credits > 0)
    offset = (timing[0, hour, query] * _LATEST_START_SECONDS * _MS).astype(np.int64)
    duration = ((3600 * _MS - offset) * (0.05 + 0.95 * timing[1, hour, query])).astype(np.int64)
    started = ((day.toordinal() - _EPOCH) * 24 + hour.astype(np.int64)) * 3600 * _MS + offset
    account_code = zlib.crc32(wh.account.encode()) & 0xFFFF
    prefix = f"{day.toordinal():08x}-{account_code:04x}-{wh.warehouse_id:04x}"
    rows = {
        ACCOUNT: np.full(len(hour), wh.account, dtype=object),
        WAREHOUSE_ID: np.full(len(hour), wh.warehouse_id, dtype=np.int64),
        WAREHOUSE: np.full(len(hour), wh.name, dtype=object),
        QUERY_ID: np.array(
            [f"{prefix}-{h:04x}-{q:012x}" for h, q in zip(hour, query, strict=True)]
        ),
        START_TIME: started.astype("datetime64[ms]"),
        END_TIME: (started + duration).astype("datetime64[ms]"),
        ATTRIBUTED_CREDITS: credits[hour, query],
    }
    for column, field in _QUERY_FIELDS.items():
        values = np.array([getattr(q, field) for q in queries], dtype=object)
        rows[column] = values[query]
    return rows


def _days_by_warehouse(days: set[tuple[str, date]] | None) -> dict[str, list[date]] | None:
    if days is None:
        return None
    wanted: dict[str, list[date]] = {}
    for key, day in days:
        wanted.setdefault(key, []).append(_as_date(day))
    return wanted
