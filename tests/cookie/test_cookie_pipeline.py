"""The whole cookie graph materialised on the local defaults (DuckDB, local model store)."""

import pandas as pd
import pytest
from cookie_support import (
    FAST_MODELS,
    check_evaluations,
    landing_root,
    recent_days,
    run_assets,
    seed_small_landing,
    stored_table,
)
from dagster import DagsterInstance, RunConfig

from cookie_assets.assets.models import ChampionConfig, champion_name
from cookie_assets.checks import FEATURE_DRIFT
from cookie_assets.contract import BOX_COLUMNS, TARGETS, new_customers_file
from cookie_assets.demo import materialize_local_demo
from cookie_assets.generator import generate_customers
from cookie_assets.keys import (
    BAKE_PLAN,
    CANDIDATE_MODELS,
    CHAMPION_MODEL,
    NEW_CUSTOMERS,
    ORDERS,
    PREDICTIONS,
    TRAINING_DATA,
    TRIAL_CUSTOMERS,
)
from cookie_assets.registry import model_store
from mlops_common.environment import local_data_dir


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """The demo run on small cohorts, shared by this module's tests: (home, instance, summary)."""
    home = tmp_path_factory.mktemp("cookie_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        patch.delenv("DAGSTER_DEPLOYMENT", raising=False)
        seed_small_landing(landing_root())
        instance = DagsterInstance.ephemeral()
        summary = materialize_local_demo(instance)
    return home, instance, summary


@pytest.fixture
def home(pipeline, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(pipeline[0]))
    return pipeline[0]


def wide_predictions(day: str) -> pd.DataFrame:
    """One day's predictions, a column per target, indexed by customer id."""
    predictions = stored_table("predictions")
    todays = predictions[predictions["day"] == pd.Timestamp(day)]
    return todays.pivot(index="customer_id", columns="target", values="predicted_boxes")


def test_demo_summary_names_cohorts_champions_and_bake_plan(pipeline, home):
    summary = pipeline[2]
    assert summary[0] == "cookie: 4 cohorts loaded (2024-01-01 … 2024-01-04)"
    for target in TARGETS:
        [line] = [line for line in summary if line.startswith(f"cookie: champion for {target}: ")]
        assert "CV R² " in line and " ± " in line and "(holdout " in line
    returning = recent_days()[-1]
    assert any(line.startswith(f"cookie: later cohorts {returning} brought") for line in summary)
    assert summary[-1].startswith(f"cookie: bake plan for {recent_days()[0]}: ")


def test_tables_keep_umlaut_columns_and_hold_every_cohort_once(pipeline, home):
    orders = stored_table("orders")
    assert set(BOX_COLUMNS) <= set(orders.columns)
    assert orders.groupby("cohort").size().to_dict() == {
        **{d: 80 for d in ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]},
        recent_days()[-1]: 40,  # the earliest new customers, who have since ordered
    }
    training = stored_table("training_data")
    assert len(training) == len(orders)  # every cohort, the later one too (the last retrain)
    assert (training[BOX_COLUMNS].sum(axis=1) == training["total_boxes"]).all()
    assert set(training["split"]) == {"train", "test"}
    candidates = stored_table("candidate_models")
    assert len(candidates) == len(TARGETS) * 3
    assert candidates["r2"].between(-1, 1).all()


def test_champions_are_stored_versioned_with_their_scores(pipeline, home):
    store = model_store()
    training = stored_table("training_data")
    train = training[training["split"] == "train"]
    for target in TARGETS:
        champion = store.load_latest(champion_name(target))
        assert champion.version == "v1"
        assert champion.metadata["target"] == target
        assert champion.metadata["r2"] >= ChampionConfig().min_r2  # cross-validated
        assert {"r2_std", "holdout_r2", "holdout_mae"} <= set(champion.metadata)
        assert set(champion.metadata["scaling"]) == {
            "household_members",
            "number_of_children",
            "sweetness_like",
            "fun_spending_budget",
        }
        # The stored preprocessing is the training-time fit: the mean of the training rows it
        # was fitted on (the January cohorts; the later retrain kept the champion).
        first_fit = train[train["cohort"] < recent_days()[-1]] if "cohort" in train else train
        sweetness = champion.metadata["scaling"]["sweetness_like"]["mean"]
        assert sweetness == pytest.approx(first_fit["sweetness_like"].mean())


def test_predictions_and_bake_plan_for_every_new_customer_day(pipeline, home):
    instance = pipeline[1]
    predictions = stored_table("predictions")
    assert len(predictions) == len(recent_days()) * 40 * len(TARGETS)
    assert (predictions["predicted_boxes"] >= 0).all()
    latest = wide_predictions(recent_days()[0])
    assert list(latest.columns.sort_values()) == sorted(TARGETS)
    plans = stored_table("bake_plan")
    plan = plans[plans["day"] == pd.Timestamp(recent_days()[0])].set_index("cookie")
    for cookie in BOX_COLUMNS:
        expected = round(latest[cookie].sum(), 1)
        assert plan.loc[cookie.removesuffix("_boxes"), "expected"] == pytest.approx(expected)
    assert (plan["low"] <= plan["expected"]).all() and (plan["expected"] <= plan["high"]).all()
    event = instance.get_latest_materialization_event(BAKE_PLAN).asset_materialization
    assert "data:image/png;base64," in event.metadata["plan"].value
    assert "| Läckerli " in event.metadata["plan"].value


def test_realised_accuracy_of_the_customers_who_ordered_later(pipeline, home):
    accuracy = stored_table("realised_accuracy")
    assert sorted(accuracy["target"]) == sorted(TARGETS)
    assert (accuracy["customers"] == 40).all() and set(accuracy["model_version"]) == {"v1"}
    assert (accuracy["mae"] > 0).all()
    store = model_store()
    for row in accuracy.itertuples():
        champion = store.load_latest(champion_name(row.target))
        assert champion.metadata["realised_mae"] == pytest.approx(row.mae)
        assert row.cv_mae == pytest.approx(champion.metadata["mae"])


def test_new_customers_with_a_shifted_distribution_do_not_change_the_scaling(pipeline, home):
    """Same attributes, same prediction, whatever else arrives that day (no train/serve skew)."""
    instance = pipeline[1]
    day, next_day = recent_days()[0], "2024-06-01"
    known = pd.read_csv(landing_root() / new_customers_file(day)).head(10)
    shifted = generate_customers(200, 4242).assign(sweetness_like=10, fun_spending_budget=200)
    pd.concat([known, shifted]).to_csv(landing_root() / new_customers_file(next_day), index=False)
    result = run_assets(instance, [NEW_CUSTOMERS, PREDICTIONS], next_day)
    earlier, later = wide_predictions(day), wide_predictions(next_day)
    assert len(later) == 210
    ids = known["customer_id"]
    pd.testing.assert_frame_equal(later.loc[ids], earlier.loc[ids])
    drift = check_evaluations(result, NEW_CUSTOMERS)[FEATURE_DRIFT]
    assert not drift.passed
    assert {"sweetness_like", "fun_spending_budget"} <= set(drift.metadata["drifted"].value)


def test_retraining_on_the_same_data_keeps_the_champion(pipeline, home):
    instance = pipeline[1]
    target = TARGETS[0]
    result = run_assets(instance, [CANDIDATE_MODELS, CHAMPION_MODEL], target, FAST_MODELS)
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.passed
    assert model_store().load_latest(champion_name(target)).version == "v1"
    assert evaluation.metadata["decision"].value == "keep"
    assert evaluation.metadata["gain"].value <= evaluation.metadata["noise"].value


def test_champion_gate_refuses_a_champion_below_the_floor(tmp_path, monkeypatch):
    """A fresh home: nothing to replace, and a floor no model reaches."""
    seed_small_landing(landing_root())
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("cookie_cohorts", ["2024-01-01", "2024-01-02"])
    for day in ["2024-01-01", "2024-01-02"]:
        run_assets(instance, [TRIAL_CUSTOMERS, ORDERS], day)
    run_assets(instance, [TRAINING_DATA])
    target = "Mandelbärli_boxes"
    strict = RunConfig(
        ops={
            **FAST_MODELS.ops,
            "champion_model": {"config": {"min_r2": 0.99}},
        }
    )
    result = run_assets(
        instance, [CANDIDATE_MODELS, CHAMPION_MODEL], target, strict, raise_on_error=False
    )
    assert not result.success  # a failed blocking check fails the run (sensors alert on it)
    [evaluation] = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert "below the floor 0.990" in evaluation.description
    assert evaluation.metadata["decision"].value == "refuse"
    assert "min_r2" in evaluation.metadata["rule"].value
    with pytest.raises(LookupError):
        model_store().load_latest(champion_name(target))
    assert not list((local_data_dir() / "outbox" / "cookie").glob("*champion*"))  # no Slack

    result = run_assets(instance, [CANDIDATE_MODELS, CHAMPION_MODEL], target, FAST_MODELS)
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.passed
    assert model_store().load_latest(champion_name(target)).version == "v1"
