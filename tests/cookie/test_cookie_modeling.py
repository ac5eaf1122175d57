"""The modelling maths without Dagster: candidates, cross-validation, training-time preprocessing.

The champion gate's rule has its own tests (test_champion_gate.py).
"""

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
from cookie_assets.modeling.cross_validation import (
    FOLDS,
    REPEATS,
    TooFewCustomers,
    cross_validate,
    standard_error,
)
from cookie_assets.modeling.data import SPLIT, assign_split, join_training_data, split_frames


def cohorts(n: int = 400, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = generate_customers(n, seed)
    return customers, generate_orders(customers, seed)


@pytest.fixture(scope="module")
def training_frame() -> pd.DataFrame:
    data = join_training_data(*cohorts())
    data[SPLIT] = assign_split(data["customer_id"], seed=0)
    return data


FAST_TREES = 25


@pytest.fixture(scope="module")
def evaluation() -> pd.DataFrame:
    return evaluate_candidates(*cohorts(300), n_estimators=FAST_TREES)


def test_evaluate_candidates_reports_cv_and_holdout_figures_per_family_and_target(evaluation):
    assert list(evaluation.columns) == [
        "target",
        "family",
        "r2",
        "mae",
        "champion",
        "r2_std",
        "mae_std",
        "holdout_r2",
        "holdout_mae",
    ]
    assert len(evaluation) == len(TARGETS) * len(FAMILIES)
    assert set(evaluation["family"]) == set(FAMILIES)
    champions = evaluation[evaluation["champion"]]
    assert sorted(champions["target"]) == sorted(TARGETS)
    for _, rows in evaluation.groupby("target"):  # the champion has the best CV mean
        assert rows.loc[rows["champion"], "r2"].item() == rows["r2"].max()
    assert (evaluation[["r2_std", "mae_std", "mae", "holdout_mae"]] > 0).all().all()
    assert (evaluation["r2"] > 0.1).all() and (evaluation["holdout_r2"] > 0).all()
    again = evaluate_candidates(*cohorts(300), n_estimators=FAST_TREES)
    pd.testing.assert_frame_equal(evaluation, again)  # seeded: the same numbers every time


def test_cross_validation_is_seeded_and_ignores_row_order(training_frame):
    train, _ = split_frames(training_frame)
    target = "total_boxes"
    first = cross_validate(train, LASSO_CV, target, seed=0)
    shuffled = train.sample(frac=1, random_state=3)  # as a table may return the rows
    assert cross_validate(shuffled, LASSO_CV, target, seed=0) == first
    # LassoCV itself ignores the seed, so a different result means different folds.
    assert cross_validate(train, LASSO_CV, target, seed=1) != first


def test_standard_error_allows_for_folds_sharing_customers():
    scores = [0.30, 0.35, 0.40, 0.45, 0.50] * REPEATS
    naive = pd.Series(scores).std() / len(scores) ** 0.5
    assert standard_error(scores) == pytest.approx(
        pd.Series(scores).std() * (1 / len(scores) + 1 / (FOLDS - 1)) ** 0.5
    )
    assert standard_error(scores) > 2 * naive


def test_a_cohort_too_small_to_train_names_the_target_and_the_counts():
    customers, orders = cohorts(8, seed=3)
    with pytest.raises(TooFewCustomers) as raised:
        evaluate_candidates(customers, orders)
    assert isinstance(raised.value, ValueError)
    trained = raised.value.metadata["training_customers"]
    assert trained < 2 * FOLDS
    assert str(raised.value) == (
        f"{TARGETS[0]}: {trained} training customers, "
        f"{FOLDS}-fold cross-validation needs at least {2 * FOLDS} (2 per fold)"
    )


def test_a_target_that_never_varies_is_refused_by_name():
    customers, orders = cohorts(60, seed=3)
    never_ordered = TARGETS[0]
    with pytest.raises(TooFewCustomers, match=f"^{never_ordered}: all .* ordered 0 boxes"):
        evaluate_candidates(customers, orders.assign(**{never_ordered: 0}))


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
