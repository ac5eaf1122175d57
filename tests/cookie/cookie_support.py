"""Helpers for the cookie tests: a small local landing folder and running parts of the graph."""

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from dagster import AssetKey, DagsterInstance, RunConfig, materialize

from cookie_assets.generator import (
    DEMO_COHORTS,
    DEMO_NEW_CUSTOMER_DAYS,
    FIRST_COHORT,
    write_cohort,
    write_new_customers,
)
from mlops_common.environment import local_data_dir

SMALL_COHORT = 80
FAST_MODELS = RunConfig(ops={"cookie__candidate_models": {"config": {"n_estimators": 25}}})


def demo_days() -> list[str]:
    return [(FIRST_COHORT + timedelta(days=i)).isoformat() for i in range(DEMO_COHORTS)]


def recent_days() -> list[str]:
    today = date.today()
    return [(today - timedelta(days=i)).isoformat() for i in range(1, DEMO_NEW_CUSTOMER_DAYS + 1)]


def landing_root() -> Path:
    """The local landing folder of the current DAGSTER_HOME."""
    return local_data_dir() / "landing" / "cookie"


def seed_small_landing(root: Path) -> None:
    """The demo's files, but small cohorts: the zone's own seeding then writes nothing."""
    for day in demo_days():
        write_cohort(root, day, SMALL_COHORT)
    for day in recent_days():
        write_new_customers(root, day, 40)


def write_csv(root: Path, name: str, frame: pd.DataFrame) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def run_assets(
    instance: DagsterInstance,
    selection: list[AssetKey],
    partition_key: str | None = None,
    run_config: RunConfig | None = None,
    raise_on_error: bool = True,
):
    """Materialises part of the cookie graph with the current environment's resources."""
    from cookie_assets.definitions import ASSETS
    from cookie_assets.resources import resources

    return materialize(
        ASSETS,
        selection=selection,
        partition_key=partition_key,
        instance=instance,
        resources=resources(),
        run_config=run_config,
        raise_on_error=raise_on_error,
    )


def check_evaluations(result, asset: AssetKey) -> dict:
    """Check name → evaluation of one run."""
    return {e.check_name: e for e in result.get_asset_check_evaluations() if e.asset_key == asset}
