"""The models watched after release: drift of new customers and their predictions, the bake
plan's interval, and realised accuracy once predicted customers order. Stand-in champions
(boxes proportional to sweetness) keep it fast and its numbers computable by hand."""

import json

import dagster as dg
import numpy as np
import pandas as pd
import pytest
from cookie_support import (
    check_evaluations,
    landing_root,
    run_assets,
    store_stand_in_champions,
    stored_table,
    write_csv,
)

from cookie_assets.assets.models import champion_name
from cookie_assets.checks import FEATURE_DRIFT, PREDICTION_DRIFT, REALISED_MAE_WITHIN_CV
from cookie_assets.contract import (
    BOX_COLUMNS,
    TARGETS,
    TOTAL_BOXES,
    customers_file,
    new_customers_file,
    orders_file,
)
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.keys import (
    BAKE_PLAN,
    NEW_CUSTOMERS,
    ORDERS,
    PREDICTIONS,
    REALISED_ACCURACY,
    TRAINING_DATA,
    TRIAL_CUSTOMERS,
)
from cookie_assets.monitoring.accuracy import realised_pairs
from cookie_assets.partitions import prediction_days
from mlops_common.model_store import LocalModelStore, ModelNotFoundError
from mlops_common.resource_sets import local_model_store

BOXES_PER_SWEETNESS = {**dict.fromkeys(BOX_COLUMNS[:2], 1.0), **dict.fromkeys(BOX_COLUMNS[2:], 2.0)}
BOXES_PER_SWEETNESS[TOTAL_BOXES] = sum(BOXES_PER_SWEETNESS.values())
CV_MAE = 2.0
LIKE, SHIFTED, UNSEEN, CRAFTED = "2024-06-01", "2024-06-02", "2024-06-03", "2024-06-10"
LATER_COHORT = "2024-06-12"


def without_purple(customers: pd.DataFrame) -> pd.DataFrame:
    """No training customer likes purple (a value the contract allows)."""
    return customers.replace({"favorite_color": {"purple": "red"}})


def new_days() -> dict[str, pd.DataFrame]:
    return {
        LIKE: without_purple(generate_customers(150, 11)),
        SHIFTED: without_purple(generate_customers(150, 12)).assign(
            sweetness_like=10, fun_spending_budget=200
        ),
        UNSEEN: generate_customers(150, 13),
    }


def load_cohort(instance: dg.DagsterInstance, day: str, customers, orders) -> None:
    write_csv(landing_root(), customers_file(day), customers)
    write_csv(landing_root(), orders_file(day), orders)
    instance.add_dynamic_partitions("cookie_cohorts", [day])
    run_assets(instance, [TRIAL_CUSTOMERS, ORDERS], day)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """Two training cohorts, stand-in champions, and three new-customer days predicted and
    planned: (home, instance, the days' customers, the days' run results)."""
    home = tmp_path_factory.mktemp("cookie_monitoring_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        patch.delenv("DAGSTER_DEPLOYMENT", raising=False)
        instance = dg.DagsterInstance.ephemeral()
        for day, seed in [("2024-05-01", 1), ("2024-05-02", 2)]:
            customers = without_purple(generate_customers(200, seed))
            load_cohort(instance, day, customers, generate_orders(customers, seed))
        run_assets(instance, [TRAINING_DATA])
        store_stand_in_champions(BOXES_PER_SWEETNESS, CV_MAE)
        days = new_days()
        results = {}
        for day, customers in days.items():
            write_csv(landing_root(), new_customers_file(day), customers)
            instance.add_dynamic_partitions(prediction_days.name, [day])
            results[day] = run_assets(instance, [NEW_CUSTOMERS, PREDICTIONS, BAKE_PLAN], day)
    return home, instance, days, results


@pytest.fixture
def home(shop, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(shop[0]))
    return shop[0]


def evaluation(shop, day: str, asset: dg.AssetKey, check: str):
    found = check_evaluations(shop[3][day], asset)[check]
    assert found.partition == day  # recorded for the day, not for the asset as a whole
    return found


def test_feature_drift_passes_on_a_like_day_and_names_the_shifted_features(shop):
    like = evaluation(shop, LIKE, NEW_CUSTOMERS, FEATURE_DRIFT)
    assert like.passed and like.metadata["drifted"].value == []
    shifted = evaluation(shop, SHIFTED, NEW_CUSTOMERS, FEATURE_DRIFT)
    assert not shifted.passed
    assert shifted.severity == dg.AssetCheckSeverity.WARN
    assert set(shifted.metadata["drifted"].value) == {"sweetness_like", "fun_spending_budget"}
    table = shifted.metadata["per_column"].value
    assert "| sweetness_like | Kolmogorov–Smirnov |" in table
    assert "| favorite_color | chi-square |" in table
    assert "Benjamini–Hochberg" in shifted.metadata["rule"].value


def test_unknown_category_share_is_reported(shop):
    unseen = evaluation(shop, UNSEEN, NEW_CUSTOMERS, FEATURE_DRIFT)
    purple = (shop[2][UNSEEN]["favorite_color"] == "purple").mean()
    assert purple > 0
    assert unseen.metadata["unknown_category_share"].value == pytest.approx(purple)
    by_feature = unseen.metadata["unknown_category_share_by_feature"].value
    assert by_feature == pytest.approx({"favorite_color": purple, "favorite_season": 0.0})
    assert "favorite_color" in unseen.metadata["drifted"].value
    like = evaluation(shop, LIKE, NEW_CUSTOMERS, FEATURE_DRIFT)
    assert like.metadata["unknown_category_share"].value == 0


def test_prediction_drift_follows_the_customers(shop):
    assert evaluation(shop, LIKE, PREDICTIONS, PREDICTION_DRIFT).passed
    shifted = evaluation(shop, SHIFTED, PREDICTIONS, PREDICTION_DRIFT)
    assert not shifted.passed and set(shifted.metadata["drifted"].value) == set(TARGETS)


def test_bake_plan_brackets_the_expected_boxes(shop, home):
    predictions = stored_table("predictions")
    plans = stored_table("bake_plan")
    assert len(plans) == len(shop[2]) * len(TARGETS)
    assert (plans["low"] <= plans["expected"]).all() and (plans["expected"] < plans["high"]).all()
    for day, customers in shop[2].items():
        plan = plans[plans["day"] == pd.Timestamp(day)].set_index("cookie")
        todays = predictions[predictions["day"] == pd.Timestamp(day)]
        for target in TARGETS:
            expected = todays.loc[todays["target"] == target, "predicted_boxes"].sum()
            assert plan.loc[target.removesuffix("_boxes"), "expected"] == pytest.approx(
                round(expected, 1)
            )
        assert (plan["customers"] == len(customers)).all()
    [materialization] = shop[3][LIKE].asset_materializations_for_node("bake_plan")
    header = materialization.metadata["plan"].value.splitlines()[0]
    assert all(column in header for column in ("low", "expected", "high"))
    assert "holdout customers" in materialization.metadata["interval_rule"].value


def test_predictions_name_the_champion_version_and_its_errors(shop, home):
    predictions = stored_table("predictions")
    assert set(predictions["model_version"]) == {"v1"}
    assert set(predictions["cv_mae"]) == {CV_MAE}
    like = predictions[predictions["day"] == pd.Timestamp(LIKE)]
    assert len(like) == len(shop[2][LIKE]) * len(TARGETS)
    holdout = stored_table("training_data").query("split == 'test'")
    for target in TARGETS:
        errors = BOXES_PER_SWEETNESS[target] * holdout["sweetness_like"] - holdout[target]
        residual_sd = like.loc[like["target"] == target, "residual_sd"]
        assert residual_sd.to_numpy() == pytest.approx(np.sqrt((errors**2).mean()))


def automation_requests(instance, cursor=None):
    from cookie_assets.definitions import ASSETS
    from cookie_assets.resources import build_resources

    result = dg.evaluate_automation_conditions(
        defs=dg.Definitions(assets=ASSETS, resources=build_resources()),
        instance=instance,
        asset_selection=dg.AssetSelection.assets(REALISED_ACCURACY),
        cursor=cursor,
    )
    return result.get_num_requested(REALISED_ACCURACY), result.cursor


def realised_run(instance, max_mae_ratio: float):
    config = {"max_mae_ratio": max_mae_ratio, "min_customers": 1}
    return run_assets(
        instance,
        [REALISED_ACCURACY],
        run_config=dg.RunConfig(ops={"realised_accuracy": {"config": config}}),
    )


def test_realised_accuracy_once_predicted_customers_order(shop, home):
    instance = shop[1]
    crafted = without_purple(generate_customers(4, 21)).assign(sweetness_like=[2, 5, 8, 10])
    write_csv(landing_root(), new_customers_file(CRAFTED), crafted)
    cursor = automation_requests(instance)[1]  # the automation sensor's first tick
    instance.add_dynamic_partitions(prediction_days.name, [CRAFTED])
    run_assets(instance, [NEW_CUSTOMERS, PREDICTIONS], CRAFTED)
    requested, cursor = automation_requests(instance, cursor)
    assert requested == 1  # eager on new predictions, though most days have none
    first = realised_run(instance, 1.5)
    [materialization] = first.asset_materializations_for_node("realised_accuracy")
    assert materialization.metadata["customers"].value == 0  # nobody predicted has ordered yet
    requested, cursor = automation_requests(instance, cursor)
    assert requested == 0

    # Three of the four predicted customers, and a stranger, order in a later cohort.
    ordering = pd.concat([crafted.head(3), generate_customers(1, 22)], ignore_index=True)
    orders = pd.DataFrame({"customer_id": ordering["customer_id"]})
    predicted = {t: BOXES_PER_SWEETNESS[t] * ordering["sweetness_like"] for t in BOX_COLUMNS}
    orders[BOX_COLUMNS[0]] = predicted[BOX_COLUMNS[0]]  # exactly as predicted
    for offset, cookie in enumerate(BOX_COLUMNS[1:], start=1):
        orders[cookie] = predicted[cookie] + np.array([9, 0, 12, 3]) * offset
    load_cohort(instance, LATER_COHORT, ordering, orders.astype({c: int for c in BOX_COLUMNS}))
    assert automation_requests(instance, cursor)[0] == 1  # new orders

    result = realised_run(instance, 1.5)
    accuracy = stored_table("realised_accuracy").set_index("target")
    actual = orders.head(3).assign(**{TOTAL_BOXES: orders.head(3)[BOX_COLUMNS].sum(axis=1)})
    for target in TARGETS:
        error = BOXES_PER_SWEETNESS[target] * crafted.head(3)["sweetness_like"] - actual[target]
        row = accuracy.loc[target]
        assert row["customers"] == 3 and row["model_version"] == "v1"
        assert row["mae"] == pytest.approx(error.abs().mean())
        assert row["bias"] == pytest.approx(error.mean())
        assert row["cv_mae"] == CV_MAE
        stored = local_model_store("cookie").load_latest(champion_name(target)).metadata
        assert stored["realised_mae"] == pytest.approx(error.abs().mean())
        assert stored["realised_customers"] == 3
    check = check_evaluations(result, REALISED_ACCURACY)[REALISED_MAE_WITHIN_CV]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert set(check.metadata["targets_beyond"].value) == set(TARGETS) - {BOX_COLUMNS[0]}
    assert BOX_COLUMNS[1] in check.description and BOX_COLUMNS[0] not in check.description
    metadata = result.asset_materializations_for_node("realised_accuracy")[0].metadata
    assert "data:image/png;base64," in metadata["accuracy"].value

    lenient = realised_run(instance, 100.0)
    assert check_evaluations(lenient, REALISED_ACCURACY)[REALISED_MAE_WITHIN_CV].passed


def test_only_the_latest_prediction_before_the_orders_counts():
    predictions = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-06-01", "2024-06-03", "2024-06-09"]),
            "customer_id": "c1",
            "target": TOTAL_BOXES,
            "predicted_boxes": [4.0, 6.0, 9.0],
            "model_version": ["v1", "v2", "v3"],
            "cv_mae": 1.0,
        }
    )
    orders = pd.DataFrame(
        {"customer_id": ["c1"], "cohort": ["2024-06-05"], **dict.fromkeys(BOX_COLUMNS, [1])}
    )
    [pair] = realised_pairs(predictions, orders).itertuples()
    assert (pair.model_version, pair.predicted_boxes, pair.actual_boxes) == ("v2", 6.0, 4.0)


def test_local_store_logs_metrics_on_the_named_version(tmp_path):
    store = LocalModelStore(root=str(tmp_path))
    with store.writer("run-1") as writer:
        first = writer.save("champion/x", "model-1", {"mae": 1.0})
        writer.save("champion/x", "model-2", {"mae": 2.0})
    store.log_metrics("champion/x", first, {"realised_mae": 1.5, "mae": 9.0})
    record = json.loads((tmp_path / "champion%2Fx" / first / "metadata.json").read_text())
    assert record["realised_mae"] == 1.5 and record["mae"] == 9.0
    assert "realised_mae" not in store.load_latest("champion/x").metadata
    with pytest.raises(ModelNotFoundError):
        store.log_metrics("champion/x", "v9", {"realised_mae": 1.0})
