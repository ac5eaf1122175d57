"""Generated fleets of simulated warehouses: any size, re-seedable, one account per ~25.

The original ACME fleet (:data:`SIMULATED_WAREHOUSES`) is what the demo and the tests run on.
A generated fleet is a different organisation: other account and warehouse names, base
credits, random usage and anomalies, and its own share of normal changes a detector must not
alert on (new warehouses ramping up, persistent level shifts, holidays).
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from snowpatrol_assets.history import history_start
from snowpatrol_assets.simulation.account import (
    SIMULATED_WAREHOUSES,
    SIMULATION_START,
    WarehouseProfile,
)

WAREHOUSES_PER_ACCOUNT = 25
EVALUATION_WAREHOUSES = 40
EVALUATION_SEED = 7
"""The second account benchmarks evaluate on: a fleet nothing was tuned on."""

WAREHOUSES_VARIABLE = "SNOWPATROL_SIM_WAREHOUSES"
SEED_VARIABLE = "SNOWPATROL_SIM_SEED"

_ARCHETYPE_CYCLE = ("etl", "bi", "adhoc", "idle", "month_end")
_BASE_CREDITS = {  # log-uniform range of an ordinary active day's credits
    "etl": (3.0, 60.0),
    "bi": (1.5, 40.0),
    "adhoc": (2.0, 50.0),
    "idle": (0.5, 2.5),
    "month_end": (0.8, 4.0),
}
_WORKLOADS = {
    "etl": ("INGEST", "DBT", "LOADER", "NIGHTLY", "CDC", "BATCH"),
    "bi": ("LOOKER", "TABLEAU", "DASHBOARD", "REPORTING", "POWERBI", "SIGMA"),
    "adhoc": ("ANALYST", "NOTEBOOK", "DATA_SCIENCE", "EXPLORE", "ML", "RESEARCH"),
    "idle": ("SANDBOX", "LEGACY", "POC", "AUDIT", "ARCHIVE", "SPARE"),
    "month_end": ("FINANCE", "BILLING", "CLOSE", "LEDGER", "PAYROLL", "REVENUE"),
}
_COMPANIES = ("GLOBEX", "INITECH", "UMBRELLA", "HOOLI", "TYRELL", "WAYNE", "STARK", "SOYLENT")
_ENVIRONMENTS = ("PROD", "ANALYTICS", "DEV", "STAGING", "SANDBOX")
_NEW_WAREHOUSE_SHARE = 0.2
_LEVEL_SHIFT_SHARE = 0.3
_HOLIDAY_ARCHETYPES = ("etl", "bi")


def simulated_fleet(
    warehouses: int, seed: int, start: date = SIMULATION_START
) -> tuple[WarehouseProfile, ...]:
    """A fleet of `warehouses` simulated warehouses drawn from `seed`, with usage from `start`.

    Usage patterns cycle through the archetypes; a new account starts every 25 warehouses and
    numbers its warehouses from 1. About a fifth of the warehouses are created during the
    first year and ramp up over 3-9 weeks, about a third step their level up or down for good
    once, and ETL and BI warehouses are near-idle on public holidays. None of this is labelled
    as an anomaly: it is ordinary life of a warehouse fleet.
    """
    rng = np.random.default_rng([seed, warehouses])
    company = _COMPANIES[int(rng.integers(len(_COMPANIES)))]
    fleet = []
    for i in range(warehouses):
        archetype = _ARCHETYPE_CYCLE[i % len(_ARCHETYPE_CYCLE)]
        account_index, number = divmod(i, WAREHOUSES_PER_ACCOUNT)
        environment = _ENVIRONMENTS[account_index % len(_ENVIRONMENTS)]
        suffix = "" if account_index < len(_ENVIRONMENTS) else f"_{account_index}"
        workload = _WORKLOADS[archetype][int(rng.integers(len(_WORKLOADS[archetype])))]
        low, high = _BASE_CREDITS[archetype]
        u = rng.random(6)
        created = None
        if u[0] < _NEW_WAREHOUSE_SHARE:
            created = start + timedelta(days=int(30 + 330 * u[1]))
        shift_day, shift_factor = None, 1.0
        if u[2] < _LEVEL_SHIFT_SHARE:
            shift_day = (created or start) + timedelta(days=int(60 + 600 * u[3]))
            shift_factor = 1.4 + 1.1 * u[5] if u[4] < 0.6 else 0.4 + 0.3 * u[5]  # up or down
        fleet.append(
            WarehouseProfile(
                account=f"{company}_{environment}{suffix}",
                warehouse_id=number + 1,
                name=f"{workload}_{archetype.upper()}_WH_{i + 1:03d}",
                archetype=archetype,
                base_daily_credits=round(float(np.exp(rng.uniform(np.log(low), np.log(high)))), 2),
                created=created,
                ramp_up_days=int(21 + 42 * rng.random()) if created else 0,
                level_shift_day=shift_day,
                level_shift_factor=round(float(shift_factor), 3),
                observes_holidays=archetype in _HOLIDAY_ARCHETYPES,
                fleet_seed=seed,
                history_start=start,
            )
        )
    return tuple(fleet)


def evaluation_fleet() -> tuple[WarehouseProfile, ...]:
    """The held-out second account: 40 generated warehouses from seed 7."""
    return simulated_fleet(EVALUATION_WAREHOUSES, EVALUATION_SEED)


def configured_fleet(environ: dict[str, str] | None = None) -> tuple[WarehouseProfile, ...]:
    """The fleet the simulated source meters: SNOWPATROL_SIM_WAREHOUSES / SNOWPATROL_SIM_SEED,
    with usage from SNOWPATROL_HISTORY_START (default 2025-10-01).

    Without either of the first two it is the original ACME fleet. With one, a generated fleet
    of that many warehouses (default: as many as ACME's) from that seed (default: 0).
    """
    environ = os.environ if environ is None else environ
    size, seed = environ.get(WAREHOUSES_VARIABLE), environ.get(SEED_VARIABLE)
    start = history_start(environ)
    if size is None and seed is None:
        if start == SIMULATION_START:
            return SIMULATED_WAREHOUSES
        return tuple(replace(wh, history_start=start) for wh in SIMULATED_WAREHOUSES)
    return simulated_fleet(int(size or len(SIMULATED_WAREHOUSES)), int(seed or 0), start)
