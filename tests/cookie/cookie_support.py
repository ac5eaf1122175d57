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

STAND_IN_FAMILY = "stand_in"

SMALL_COHORT = 80
FAST_MODELS = RunConfig(ops={"candidate_models": {"config": {"n_estimators": 25}}})


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


def stored_table(name: str) -> pd.DataFrame:
    """A cookie table as stored locally (DuckDB)."""
    import duckdb

    with duckdb.connect(str(local_data_dir() / "cookie_tables.duckdb"), read_only=True) as con:
        return con.execute(f"select * from cookie.{name}").df()


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
    from cookie_assets.resources import build_resources

    return materialize(
        ASSETS,
        selection=selection,
        partition_key=partition_key,
        instance=instance,
        resources=build_resources(),
        run_config=run_config,
        raise_on_error=raise_on_error,
    )


def check_evaluations(result, asset: AssetKey) -> dict:
    """Check name → evaluation of one run."""
    return {e.check_name: e for e in result.get_asset_check_evaluations() if e.asset_key == asset}


class SweetToothModel:
    """A stand-in champion for fast tests: `boxes_per_sweetness` boxes per point of
    sweetness_like, predicted like a fitted pipeline (a frame of customer id and PREDICTION)."""

    def __init__(self, boxes_per_sweetness: float):
        self.boxes_per_sweetness = boxes_per_sweetness

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        from cookie_assets.modeling.candidates import PREDICTION

        sweetness = frame["sweetness_like"].to_numpy(float)
        return pd.DataFrame(
            {
                "customer_id": frame["customer_id"].to_numpy(),
                PREDICTION: self.boxes_per_sweetness * sweetness,
            }
        )


def store_stand_in_champions(boxes_per_sweetness: dict[str, float], cv_mae: float) -> None:
    """Stores a SweetToothModel as the champion of each target, with `cv_mae` as its CV MAE."""
    from cookie_assets.assets.models import champion_name
    from mlops_common.resource_sets import local_model_store

    with local_model_store("cookie").writer("stand-in") as writer:
        for target, boxes in boxes_per_sweetness.items():
            metadata = {"target": target, "family": STAND_IN_FAMILY, "mae": cv_mae}
            writer.save(champion_name(target), SweetToothModel(boxes), metadata)
