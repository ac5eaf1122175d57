"""A simulated Snowflake organisation for running Snowpatrol without an account.

Two accounts (ACME_PROD, ACME_DEV) with a realistic fleet of warehouses produce hourly rows
shaped like ``SNOWFLAKE.ORGANIZATION_USAGE.WAREHOUSE_METERING_HISTORY``. Every
(warehouse, day) is generated from its own seed, so a day looks the same whichever date range
it is requested in, and the spikes and runaway plateaus injected into the data are returned
as labels by :func:`injected_anomalies`, with the user, query or tagged job that caused each
(see ``workload_cast.py``).
"""

from __future__ import annotations

import calendar
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
import pandas as pd

from snowpatrol_assets.history import DEFAULT_HISTORY_START
from snowpatrol_assets.simulation.workload_cast import (
    AnomalyCause,
    CastQuery,
    anomaly_cause,
    warehouse_cast,
)

SIMULATION_START = DEFAULT_HISTORY_START
"""First usage day of the default simulated history (SNOWPATROL_HISTORY_START moves a
configured fleet's start); the simulated growth of usage is measured from it."""

_SEED = 20251001
_ANOMALY_SEED = 90210  # separate streams, so labels never disturb normal usage
_CAST_SEED = 31337  # ...and neither do who runs the queries...
_CAUSE_SEED = 4242  # ...and what caused each anomaly
_SPIKE_PROBABILITY = 1 / 90
_RUNAWAY_PROBABILITY = 1 / 350
_MAX_RUNAWAY_DAYS = 7
_MONTH_END_FACTOR = 7.0
_CLOSE_DAYS = 3
_HOLIDAYS = ((1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31))  # (month, day)
_HOLIDAY_FACTOR = 0.03  # a skeleton crew: near-zero usage
_RAMP_START = 0.1  # a new warehouse starts at a tenth of its eventual level
_HOUR_NS = 3_600_000_000_000

_METERING_COLUMNS = [
    "ACCOUNT_NAME",
    "WAREHOUSE_ID",
    "WAREHOUSE_NAME",
    "START_TIME",
    "END_TIME",
    "CREDITS_USED",
    "CREDITS_USED_COMPUTE",
    "CREDITS_USED_CLOUD_SERVICES",
]
_ANOMALY_COLUMNS = [
    "ACCOUNT_NAME",
    "WAREHOUSE_ID",
    "WAREHOUSE_NAME",
    "USAGE_DATE",
    "KIND",
    "EXTRA_CREDITS",
    "CAUSE_KIND",
    "CAUSE",
]


@dataclass(frozen=True)
class WarehouseProfile:
    """A simulated virtual warehouse and how it is used.

    ``archetype`` is the usage pattern: ``etl`` (nightly loads), ``bi`` (dashboards in office
    hours), ``adhoc`` (analysts and notebooks), ``idle`` (rarely resumed) or ``month_end``
    (finance close). ``base_daily_credits`` is the credits an ordinary active day burns at
    SIMULATION_START. ``created``/``dropped`` bound the days the warehouse meters credits;
    ``history_start`` is the first day the simulated account has any usage (the account's
    history length).

    The remaining fields are normal (unlabelled) changes of usage: ``ramp_up_days`` is how long
    a new warehouse takes to grow from a tenth to its full level; from ``level_shift_day`` on,
    usage is ``level_shift_factor`` times what it was (a workload moved in or out for good);
    ``observes_holidays`` makes a few fixed public holidays near-idle. ``fleet_seed`` names the
    random streams of a generated fleet (None: the original ACME fleet's streams).
    """

    account: str
    warehouse_id: int
    name: str
    archetype: str
    base_daily_credits: float
    created: date | None = None
    dropped: date | None = None
    ramp_up_days: int = 0
    level_shift_day: date | None = None
    level_shift_factor: float = 1.0
    observes_holidays: bool = False
    fleet_seed: int | None = None
    history_start: date = SIMULATION_START


def _wh(account: str, wid: int, name: str, archetype: str, base: float, **kw) -> WarehouseProfile:
    return WarehouseProfile(account, wid, name, archetype, base, **kw)


SIMULATED_WAREHOUSES: tuple[WarehouseProfile, ...] = (
    _wh("ACME_PROD", 101, "ETL_NIGHTLY_WH", "etl", 42.0),
    _wh("ACME_PROD", 102, "DBT_TRANSFORM_WH", "etl", 28.0),
    _wh("ACME_PROD", 103, "FIVETRAN_LOADER_WH", "etl", 12.0),
    _wh("ACME_PROD", 104, "REVERSE_ETL_WH", "etl", 3.0),
    _wh("ACME_PROD", 105, "LOOKER_BI_WH", "bi", 35.0),
    _wh("ACME_PROD", 106, "TABLEAU_WH", "bi", 18.0),
    _wh("ACME_PROD", 107, "MARKETING BI 'EU'", "bi", 4.5),
    _wh("ACME_PROD", 108, "EMBEDDED_ANALYTICS_WH", "bi", 9.0, created=date(2026, 3, 2)),
    _wh("ACME_PROD", 109, "DATA_SCIENCE_ADHOC_WH", "adhoc", 14.0),
    _wh("ACME_PROD", 110, "ANALYST_ADHOC_WH", "adhoc", 7.0),
    _wh("ACME_PROD", 111, "ML_TRAINING_WH", "adhoc", 55.0),
    _wh("ACME_PROD", 112, "FINANCE_CLOSE_WH", "month_end", 3.0),
    _wh("ACME_PROD", 113, "REVENUE_REPORTING_WH", "month_end", 2.5),
    _wh("ACME_PROD", 114, "LEGACY_REPORTING_WH", "idle", 1.2, dropped=date(2026, 8, 17)),
    _wh("ACME_PROD", 115, "SECURITY_AUDIT_WH", "idle", 0.5),
    _wh("ACME_DEV", 201, "DEV_ETL_WH", "etl", 5.0),
    _wh("ACME_DEV", 202, "STAGING_LOAD_WH", "etl", 8.0),
    _wh("ACME_DEV", 203, "DEV_BI_WH", "bi", 1.5),
    _wh("ACME_DEV", 204, "DEV_ADHOC_WH", "adhoc", 3.0),
    _wh("ACME_DEV", 205, "CI_DBT_WH", "adhoc", 2.0),
    _wh("ACME_DEV", 206, "NOTEBOOK_WH", "adhoc", 4.0),
    _wh("ACME_DEV", 207, "DEV_FINANCE_WH", "month_end", 0.9),
    _wh("ACME_DEV", 208, "SANDBOX_WH", "idle", 0.8),
    _wh("ACME_DEV", 209, "QA_WH", "idle", 1.0),
    _wh("ACME_DEV", 210, "OLD_POC_WH", "idle", 0.6),
    _wh("ACME_DEV", 211, "LOAD_TEST_WH", "idle", 2.0),
)
"""The simulated fleet: ACME_PROD (15 warehouses) and ACME_DEV (11 warehouses)."""


@dataclass(frozen=True)
class _Archetype:
    hour_weights: np.ndarray  # 24 relative weights (UTC); 0 = never runs that hour
    weekly: tuple[float, ...]  # Mon..Sun level factors
    noise: float  # sigma of the lognormal day-level noise
    zero_day: tuple[float, ...]  # Mon..Sun probability of a day without any usage
    hour_keep: tuple[float, ...]  # Mon..Sun probability that a candidate hour runs


def _hours(weights: dict[int, float]) -> np.ndarray:
    out = np.zeros(24)
    out[list(weights)] = list(weights.values())
    return out


def _span(first: int, last: int) -> dict[int, float]:
    return dict.fromkeys(range(first, last + 1), 1.0)


_ARCHETYPES: dict[str, _Archetype] = {
    "etl": _Archetype(
        _hours({0: 0.6, 1: 1.0, 2: 1.0, 3: 1.0, 4: 0.9, 5: 0.7, 6: 0.4, 12: 0.1, 18: 0.1}),
        weekly=(1.05, 1.0, 1.0, 1.0, 1.05, 0.8, 0.75),
        noise=0.08,
        zero_day=(0.0,) * 7,
        hour_keep=(1.0,) * 7,
    ),
    "bi": _Archetype(
        _hours(
            dict(
                zip(range(7, 19), (0.3, 0.7, 1, 1, 0.9, 0.8, 0.9, 1, 1, 0.8, 0.5, 0.3), strict=True)
            )
        ),
        weekly=(1.2, 1.2, 1.2, 1.2, 1.1, 0.25, 0.2),
        noise=0.1,
        zero_day=(0.0,) * 7,
        hour_keep=(1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.3),
    ),
    "adhoc": _Archetype(
        _hours(_span(7, 22)),
        weekly=(1.1, 1.1, 1.1, 1.1, 1.0, 0.5, 0.4),
        noise=0.35,
        zero_day=(0.1, 0.1, 0.1, 0.1, 0.15, 0.5, 0.6),
        hour_keep=(0.3, 0.3, 0.3, 0.3, 0.3, 0.2, 0.2),
    ),
    "idle": _Archetype(
        _hours(_span(8, 20)),
        weekly=(1.0,) * 7,
        noise=0.3,
        zero_day=(0.6,) * 7,
        hour_keep=(0.15,) * 7,
    ),
    "month_end": _Archetype(
        _hours(_span(8, 18)),
        weekly=(1.0, 1.0, 1.0, 1.0, 1.0, 0.3, 0.3),
        noise=0.12,
        zero_day=(0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5),
        hour_keep=(1.0,) * 7,
    ),
}


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _birth(wh: WarehouseProfile) -> date:
    return max(wh.history_start, wh.created or wh.history_start)


def _alive_days(wh: WarehouseProfile, start: date, end: date) -> tuple[date, date]:
    """The sub-range of ``[start, end)`` in which the warehouse exists (may be empty)."""
    first = max(start, _birth(wh))
    stop = min(end, wh.dropped) if wh.dropped else end
    return first, max(first, stop)


def _stream(base: int, wh: WarehouseProfile, *keys: int) -> np.random.Generator:
    """The random stream of one warehouse (and day), distinct per fleet seed and account."""
    fleet = () if wh.fleet_seed is None else (wh.fleet_seed, zlib.crc32(wh.account.encode()))
    return np.random.default_rng([base, *fleet, wh.warehouse_id, *keys])


@cache
def _annual_growth(wh: WarehouseProfile) -> float:
    return float(_stream(_SEED, wh).uniform(0.0, 0.4))


def _typical_level(wh: WarehouseProfile, day: date) -> float:
    """Credits of an ordinary active day: linear annual growth, ramp-up and level shift."""
    growth = _annual_growth(wh)
    level = wh.base_daily_credits * (1.0 + growth * (day - SIMULATION_START).days / 365.0)
    if wh.ramp_up_days:
        progress = min(1.0, ((day - _birth(wh)).days + 1) / wh.ramp_up_days)
        level *= _RAMP_START + (1.0 - _RAMP_START) * progress
    if wh.level_shift_day and day >= wh.level_shift_day:
        level *= wh.level_shift_factor
    return level


def _is_close_day(day: date) -> bool:
    return day.day > calendar.monthrange(day.year, day.month)[1] - _CLOSE_DAYS


def _is_holiday(wh: WarehouseProfile, day: date) -> bool:
    return wh.observes_holidays and (day.month, day.day) in _HOLIDAYS


def _normal_day(wh: WarehouseProfile, day: date) -> tuple[np.ndarray, np.ndarray]:
    """Hourly compute credits (24 values, 0 = no row) and cloud-services fractions of a day."""
    rng = _stream(_SEED, wh, day.toordinal())
    u, z = rng.random(49), rng.standard_normal(25)
    cloud_fraction = 0.03 + 0.07 * u[25:]
    arch, weekday = _ARCHETYPES[wh.archetype], day.weekday()
    close = wh.archetype == "month_end" and _is_close_day(day)
    if not close and u[0] < arch.zero_day[weekday]:
        return np.zeros(24), cloud_fraction
    keep = u[1:25] < (1.0 if close else arch.hour_keep[weekday])
    weights = arch.hour_weights * keep * np.exp(0.25 * z[1:])
    if not weights.any():
        return np.zeros(24), cloud_fraction
    factor = _MONTH_END_FACTOR if close else arch.weekly[weekday]
    if _is_holiday(wh, day):
        factor *= _HOLIDAY_FACTOR
    noise = np.exp(arch.noise * z[0] - arch.noise**2 / 2)
    return _typical_level(wh, day) * factor * noise * weights / weights.sum(), cloud_fraction


@dataclass(frozen=True)
class _Anomaly:
    kind: str
    extra: float
    fallback_hours: np.ndarray  # where the extra goes if the day has no normal usage
    cause: AnomalyCause


def _anomaly_draws(wh: WarehouseProfile, first: date, stop: date) -> np.ndarray:
    """Per-day uniforms: spike?, spike size, runaway start?, length, size, hour, hour count."""
    days = range(first.toordinal(), stop.toordinal())
    return np.array([_stream(_ANOMALY_SEED, wh, d).random(7) for d in days]).reshape(-1, 7)


def _anomaly_plan(wh: WarehouseProfile, start: date, end: date) -> dict[date, _Anomaly]:
    """Injected anomalies per alive day in ``[start, end)``; each day uses its own seed."""
    first, stop = _alive_days(wh, start, end)
    lookback = max(first - timedelta(days=_MAX_RUNAWAY_DAYS - 1), _birth(wh))
    u = _anomaly_draws(wh, lookback, stop)
    starts = u[:, 2] < _RUNAWAY_PROBABILITY
    lengths = 3 + np.floor(5 * u[:, 3]).astype(int)
    plan = {}
    for i in range((first - lookback).days, len(u)):
        day = lookback + timedelta(days=i)
        recent = range(i, max(i - _MAX_RUNAWAY_DAYS, -1), -1)
        runaway = next((j for j in recent if starts[j] and lengths[j] > i - j), None)
        if runaway is not None:
            kind, multiple, began = "runaway", 2.0 + 2.0 * u[runaway, 4], runaway  # 3x-5x
        elif u[i, 0] < _SPIKE_PROBABILITY:
            kind, multiple, began = "spike", 4.0 + 6.0 * u[i, 1], i
        else:
            continue
        hour = 8 + int(10 * u[i, 5])
        fallback = np.arange(hour, hour + 2 + int(4 * u[i, 6]))
        cause_stream = _stream(_CAUSE_SEED, wh, (lookback + timedelta(days=began)).toordinal())
        cause = anomaly_cause(simulated_cast(wh), cause_stream)
        plan[day] = _Anomaly(kind, multiple * _typical_level(wh, day), fallback, cause)
    return plan


@cache
def simulated_cast(wh: WarehouseProfile) -> tuple[CastQuery, ...]:
    """The warehouse's ordinary parameterized queries, their users, roles, tags and weights."""
    return warehouse_cast(wh.archetype, _stream(_CAST_SEED, wh))


def _spread(anomaly: _Anomaly, normal: np.ndarray) -> np.ndarray:
    """The anomaly's extra credits over the day's active hours (or its fallback hours)."""
    if normal.any():
        return anomaly.extra * normal / normal.sum()
    share = np.zeros(24)
    share[anomaly.fallback_hours] = 1.0 / len(anomaly.fallback_hours)
    return anomaly.extra * share


def _metered_day(wh: WarehouseProfile, day: date, anomaly: _Anomaly | None) -> np.ndarray:
    """Compute and cloud-services credits (2 x 24 hours) of one warehouse-day."""
    compute, cloud_fraction = _normal_day(wh, day)
    cloud = compute * cloud_fraction  # anomalies burn warehouse compute, not cloud services
    if anomaly is not None:
        compute = compute + _spread(anomaly, compute)
    return np.array([compute, cloud])


def compute_by_cause(
    wh: WarehouseProfile, days: Iterable[date]
) -> list[tuple[date, np.ndarray, np.ndarray, AnomalyCause | None]]:
    """Per alive day of `days`: hourly ordinary compute, hourly anomaly extra and its cause.

    Their sum, rounded to 6 decimals, is the day's metered CREDITS_USED_COMPUTE per hour.
    """
    days = sorted({_as_date(day) for day in days})
    if not days:
        return []
    plan = _anomaly_plan(wh, days[0], days[-1] + timedelta(days=1))
    first, stop = _alive_days(wh, days[0], days[-1] + timedelta(days=1))
    parts = []
    for day in (day for day in days if first <= day < stop):
        normal, _ = _normal_day(wh, day)
        anomaly = plan.get(day)
        extra = np.zeros(24) if anomaly is None else _spread(anomaly, normal)
        parts.append((day, normal, extra, None if anomaly is None else anomaly.cause))
    return parts


def _days(first: date, stop: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((stop - first).days)]


def simulate_metering(
    start: date, end: date, warehouses: Iterable[WarehouseProfile] = SIMULATED_WAREHOUSES
) -> pd.DataFrame:
    """Hourly WAREHOUSE_METERING_HISTORY rows for usage days in ``[start, end)``.

    Hours in which a warehouse did not run have no row, as in Snowflake. Rows are sorted by
    START_TIME, ACCOUNT_NAME, WAREHOUSE_NAME; times are naive UTC; CREDITS_USED is exactly
    CREDITS_USED_COMPUTE + CREDITS_USED_CLOUD_SERVICES (both rounded to 6 decimals).
    """
    start, end = _as_date(start), _as_date(end)
    ordered = sorted(warehouses, key=lambda wh: (wh.account, wh.name))
    plans = [_anomaly_plan(wh, start, end) for wh in ordered]
    slots = [
        (k, wh, day) for k, wh in enumerate(ordered) for day in _days(*_alive_days(wh, start, end))
    ]
    hourly = np.array([_metered_day(wh, day, plans[k].get(day)) for k, wh, day in slots])
    hourly = hourly.reshape(-1, 2, 24).round(6)
    slot, hour = np.nonzero(hourly[:, 0] > 0)
    rank = np.array([k for k, _, _ in slots], dtype=np.int64)[slot]
    epoch_days = np.array([day.toordinal() for _, _, day in slots], dtype=np.int64)[slot]
    epoch_days -= date(1970, 1, 1).toordinal()
    start_ns = epoch_days * 24 * _HOUR_NS + hour * _HOUR_NS
    order = np.lexsort((rank, start_ns))
    rank, slot, hour = rank[order], slot[order], hour[order]
    start_time = start_ns[order].astype("datetime64[ns]")
    compute, cloud = hourly[slot, 0, hour], hourly[slot, 1, hour]
    frame = pd.DataFrame(
        {
            "ACCOUNT_NAME": np.array([wh.account for wh in ordered], dtype=object)[rank],
            "WAREHOUSE_ID": np.array([wh.warehouse_id for wh in ordered], dtype=np.int64)[rank],
            "WAREHOUSE_NAME": np.array([wh.name for wh in ordered], dtype=object)[rank],
            "START_TIME": start_time,
            "END_TIME": start_time + np.timedelta64(1, "h"),
            "CREDITS_USED": compute + cloud,
            "CREDITS_USED_COMPUTE": compute,
            "CREDITS_USED_CLOUD_SERVICES": cloud,
        }
    )
    return frame[_METERING_COLUMNS]


def injected_anomalies(
    start: date, end: date, warehouses: Iterable[WarehouseProfile] = SIMULATED_WAREHOUSES
) -> pd.DataFrame:
    """The labelled anomalies :func:`simulate_metering` injects into days of ``[start, end)``.

    One row per anomalous warehouse-day (a warehouse is keyed by account and WAREHOUSE_ID):
    KIND is ``spike`` (one day at 4x-10x the usual level) or ``runaway`` (3-7 days at 3x-5x,
    like a warehouse left running); EXTRA_CREDITS is the compute added on top of that day's
    normal usage (anomalies add no cloud services). CAUSE_KIND says who burnt the extra, CAUSE
    names it: ``new_user`` (a USER_NAME never seen on the warehouse before), ``runaway_query``
    (the QUERY_PARAMETERIZED_HASH whose credits exploded) or ``tag_job`` (the QUERY_TAG of the
    job gone wild); all days of one runaway share their cause.
    """
    start, end = _as_date(start), _as_date(end)
    rows = [
        (
            wh.account,
            wh.warehouse_id,
            wh.name,
            pd.Timestamp(day),
            anomaly.kind,
            round(anomaly.extra, 6),
            anomaly.cause.kind,
            anomaly.cause.name,
        )
        for wh in warehouses
        for day, anomaly in _anomaly_plan(wh, start, end).items()
    ]
    frame = pd.DataFrame(rows, columns=_ANOMALY_COLUMNS).astype(
        {"WAREHOUSE_ID": "int64", "USAGE_DATE": "datetime64[ns]", "EXTRA_CREDITS": "float64"}
    )
    return frame.sort_values(["USAGE_DATE", "ACCOUNT_NAME", "WAREHOUSE_NAME"], ignore_index=True)
