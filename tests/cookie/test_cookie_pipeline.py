"""The whole cookie graph materialised on the local defaults (DuckDB, local model store), as
`make run` does: the one end-to-end cookie test (the assets' logic is tested by direct calls in
test_cookie_assets.py)."""

import pandas as pd
import pytest
from cookie_support import landing_root, recent_days, seed_small_landing, stored_table
from dagster import DagsterInstance

from cookie_assets.assets.models import champion_name
from cookie_assets.contract import BOX_COLUMNS, TARGETS
from cookie_assets.demo import materialize_local_demo
from cookie_assets.keys import BAKE_PLAN
from mlops_common.resource_sets import local_model_store


def wide_predictions(day: str) -> pd.DataFrame:
    """One day's predictions, a column per target, indexed by customer id."""
    predictions = stored_table("predictions")
    todays = predictions[predictions["day"] == pd.Timestamp(day)]
    return todays.pivot(index="customer_id", columns="target", values="predicted_boxes")


def test_the_demo_materialises_every_cookie_asset():
    """The demo run on small cohorts: summary, tables, champions, predictions and bake plan for
    every new-customer day, and the realised accuracy of the customers who ordered later."""
    seed_small_landing(landing_root())
    instance = DagsterInstance.ephemeral()
    summary = materialize_local_demo(instance, n_estimators=25)

    assert summary[0] == "cookie: 4 cohorts loaded (2024-01-01 … 2024-01-04)"
    for target in TARGETS:
        [line] = [line for line in summary if line.startswith(f"cookie: champion for {target}: ")]
        assert "CV R² " in line and " ± " in line and "(holdout " in line
    returning = recent_days()[-1]
    assert any(line.startswith(f"cookie: later cohorts {returning} brought") for line in summary)
    assert summary[-1].startswith(f"cookie: bake plan for {recent_days()[0]}: ")

    orders = stored_table("orders")
    assert set(BOX_COLUMNS) <= set(orders.columns)  # umlaut columns kept
    assert orders.groupby("cohort").size().to_dict() == {
        **{d: 80 for d in ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]},
        returning: 40,  # the earliest new customers, who have since ordered
    }
    training = stored_table("training_data")
    assert len(training) == len(orders)  # every cohort, the later one too (the last retrain)
    assert len(stored_table("candidate_models")) == len(TARGETS) * 3
    store = local_model_store("cookie")
    for target in TARGETS:  # the retrain on the later cohort kept each champion
        assert store.load_latest(champion_name(target)).version == "v1"

    predictions = stored_table("predictions")
    assert len(predictions) == len(recent_days()) * 40 * len(TARGETS)  # every landed day
    assert (predictions["predicted_boxes"] >= 0).all()
    latest = wide_predictions(recent_days()[0])
    plans = stored_table("bake_plan")
    assert sorted(plans["day"].dt.strftime("%Y-%m-%d").unique()) == sorted(recent_days())
    plan = plans[plans["day"] == pd.Timestamp(recent_days()[0])].set_index("cookie")
    for cookie in BOX_COLUMNS:
        expected = round(latest[cookie].sum(), 1)
        assert plan.loc[cookie.removesuffix("_boxes"), "expected"] == pytest.approx(expected)
    assert (plan["low"] <= plan["expected"]).all() and (plan["expected"] <= plan["high"]).all()
    event = instance.get_latest_materialization_event(BAKE_PLAN).asset_materialization
    assert "data:image/png;base64," in event.metadata["plan"].value
    assert "| Läckerli " in event.metadata["plan"].value

    accuracy = stored_table("realised_accuracy")
    assert sorted(accuracy["target"]) == sorted(TARGETS)
    assert (accuracy["customers"] == 40).all() and set(accuracy["model_version"]) == {"v1"}
    for row in accuracy.itertuples():
        champion = store.load_latest(champion_name(row.target))
        assert champion.metadata["realised_mae"] == pytest.approx(row.mae)
        assert row.cv_mae == pytest.approx(champion.metadata["mae"])
