"""The modelling maths without Dagster: candidates, the training-time preprocessing, the gate."""

import pandas as pd
import pytest

from cookie_assets.contract import NUMERIC_FEATURES, TARGETS
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.modeling import evaluate_candidates
from cookie_assets.modeling.candidates import (
    FAMILIES,
    LASSO_CV,
    build_pipeline,
    fit,
    predict,
    prediction_columns,
    scaling_of,
    training_columns,
)
from cookie_assets.modeling.champion import INCUMBENT, choose_champion, gate_refusals
from cookie_assets.modeling.data import SPLIT, assign_split, join_training_data, split_frames


def cohorts(n: int = 400, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = generate_customers(n, seed)
    return customers, generate_orders(customers, seed)


@pytest.fixture(scope="module")
def training_frame() -> pd.DataFrame:
    data = join_training_data(*cohorts())
    data[SPLIT] = assign_split(data["customer_id"], seed=0)
    return data


def test_evaluate_candidates_scores_every_family_per_target():
    results = evaluate_candidates(*cohorts(300))
    assert list(results.columns) == ["target", "family", "r2", "mae", "champion"]
    assert len(results) == len(TARGETS) * len(FAMILIES)
    assert set(results["family"]) == set(FAMILIES)
    champions = results[results["champion"]]
    assert sorted(champions["target"]) == sorted(TARGETS)
    for _, rows in results.groupby("target"):
        assert rows.loc[rows["champion"], "r2"].item() == rows["r2"].max()
    assert (results["r2"] > 0.1).all() and (results["mae"] > 0).all()
    again = evaluate_candidates(*cohorts(300))
    pd.testing.assert_frame_equal(results, again)  # seeded: the same numbers every time


def test_total_is_the_sum_and_the_split_is_seeded_and_stable(training_frame):
    boxes = training_frame[
        [
            "Läckerli_boxes",
            "Willisauer_Ringli_boxes",
            "Mandelbärli_boxes",
            "Chocolate_Brownies_boxes",
        ]
    ]
    assert (boxes.sum(axis=1) == training_frame["total_boxes"]).all()
    ids = training_frame["customer_id"]
    assert 0.12 < (training_frame[SPLIT] == "test").mean() < 0.28
    assert assign_split(ids, 0).equals(training_frame[SPLIT])
    assert not assign_split(ids, 1).equals(training_frame[SPLIT])
    # A customer keeps their side when more customers arrive.
    bigger = pd.concat([ids, generate_customers(200, 99)["customer_id"]], ignore_index=True)
    assert assign_split(bigger, 0).iloc[: len(ids)].tolist() == training_frame[SPLIT].tolist()


def test_prediction_applies_the_training_time_scaling(training_frame):
    train, _ = split_frames(training_frame)
    target = "Mandelbärli_boxes"
    pipeline = fit(build_pipeline(LASSO_CV, target), train[training_columns(target)])
    scaling = scaling_of(pipeline)
    for column in NUMERIC_FEATURES:
        assert scaling[column]["mean"] == pytest.approx(train[column].mean())

    known = generate_customers(30, 5)
    alone = predict(pipeline, known[prediction_columns()])
    # A new cohort with a shifted distribution (very sweet, big budgets) arrives alongside.
    shifted = generate_customers(300, 6).assign(sweetness_like=10, fun_spending_budget=200)
    together = predict(pipeline, pd.concat([known, shifted])[prediction_columns()])
    pd.testing.assert_series_equal(alone, together.loc[known["customer_id"]])
    assert scaling_of(pipeline) == scaling  # predicting never refits
    # Refitting on the new customers (the original's skew) would have changed the answer.
    skewed = fit(
        build_pipeline(LASSO_CV, target),
        pd.concat([train, shifted.assign(**{target: 0})])[training_columns(target)],
    )
    assert not predict(skewed, known[prediction_columns()]).equals(alone)


def test_unknown_category_at_prediction_time_does_not_crash(training_frame):
    train, _ = split_frames(training_frame)
    pipeline = fit(build_pipeline(LASSO_CV, "total_boxes"), train[training_columns("total_boxes")])
    odd = generate_customers(3, 1).assign(favorite_color="orange")
    assert len(predict(pipeline, odd[prediction_columns()])) == 3


def test_champion_is_the_best_and_the_incumbent_wins_ties():
    assert choose_champion({"a": 0.3, "b": 0.5}) == "b"
    assert choose_champion({"a": 0.3, "b": 0.5}, incumbent_r2=0.6) == INCUMBENT
    assert choose_champion({"a": 0.3, "b": 0.5}, incumbent_r2=0.5) == INCUMBENT
    assert choose_champion({"a": 0.3, "b": 0.5}, incumbent_r2=0.4) == "b"


def test_gate_refuses_a_weak_or_worse_champion():
    assert gate_refusals(0.45, None, min_r2=0.2) == []
    assert gate_refusals(0.45, 0.40, min_r2=0.2) == []
    [below] = gate_refusals(0.15, None, min_r2=0.2)
    assert "below the floor" in below
    [worse] = gate_refusals(0.35, 0.40, min_r2=0.2)
    assert "worse than the current champion" in worse
    assert len(gate_refusals(0.1, 0.4, min_r2=0.2)) == 2
