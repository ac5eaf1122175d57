"""The champion gate: a challenger must beat the champion by more than the noise, and the floor."""

import math

import pytest
from dagster import Failure, build_asset_context

from cookie_assets.assets.models import CandidateConfig, candidate_models
from cookie_assets.compute import TrainingCompute
from cookie_assets.contract import TARGETS
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.modeling.candidates import GRADIENT_BOOSTING, LASSO_CV, RANDOM_FOREST
from cookie_assets.modeling.champion import (
    KEEP,
    PROMOTE,
    REFUSE,
    best_candidate,
    decide_champion,
)
from cookie_assets.modeling.cross_validation import CrossValidated
from cookie_assets.modeling.data import SPLIT, assign_split, join_training_data
from mlops_common.model_store import LocalModelStore

FLOOR = 0.1


def cv(r2: float, r2_std: float = 0.03) -> CrossValidated:
    return CrossValidated(r2=r2, r2_std=r2_std, mae=5.0, mae_std=0.5)


def test_the_challenger_is_the_best_cv_mean_and_ties_go_to_the_simpler_family():
    assert best_candidate({LASSO_CV: cv(0.30), RANDOM_FOREST: cv(0.45)}) == RANDOM_FOREST
    tied = {GRADIENT_BOOSTING: cv(0.40), RANDOM_FOREST: cv(0.40), LASSO_CV: cv(0.40)}
    assert best_candidate(tied) == LASSO_CV
    assert best_candidate({GRADIENT_BOOSTING: cv(0.40), RANDOM_FOREST: cv(0.40)}) == RANDOM_FOREST


def test_without_a_champion_the_best_candidate_is_promoted_if_it_clears_the_floor():
    gate = decide_champion({LASSO_CV: cv(0.30), RANDOM_FOREST: cv(0.45)}, None, FLOOR)
    assert (gate.decision, gate.challenger) == (PROMOTE, RANDOM_FOREST)
    assert gate.figures == {"challenger_r2": 0.45, "challenger_r2_std": 0.03, "min_r2": FLOOR}

    weak = decide_champion({LASSO_CV: cv(0.05)}, None, FLOOR)
    assert weak.decision == REFUSE
    assert "below the floor 0.100" in "; ".join(weak.reasons)


def test_a_challenger_within_the_combined_standard_error_is_not_promoted():
    champion = cv(0.40, 0.03)
    noise = math.hypot(0.04, 0.03)  # 0.05
    within = decide_champion({RANDOM_FOREST: cv(0.40 + noise * 0.9, 0.04)}, champion, FLOOR)
    assert within.decision == KEEP
    assert within.figures["noise"] == pytest.approx(noise)
    assert within.figures["gain"] == pytest.approx(noise * 0.9)
    # A naive "higher is better" would have swapped champions here.
    assert within.figures["challenger_r2"] > within.figures["champion_r2"]
    assert "noise is 0.050" in within.reasons[0]
    # The same family re-validated on the same folds ties with itself: nothing changes.
    assert decide_champion({LASSO_CV: champion}, champion, FLOOR).decision == KEEP


def test_a_clearly_better_challenger_is_promoted():
    gate = decide_champion({RANDOM_FOREST: cv(0.52, 0.04)}, cv(0.40, 0.03), FLOOR)
    assert gate.decision == PROMOTE
    assert gate.figures["gain"] > gate.figures["noise"]


def test_a_clearly_better_challenger_below_the_floor_is_refused():
    gate = decide_champion({RANDOM_FOREST: cv(0.08, 0.01)}, cv(0.0, 0.01), FLOOR)
    assert gate.decision == REFUSE
    assert any("below the floor 0.100" in reason for reason in gate.reasons)


def test_candidate_models_fails_by_name_on_a_cohort_too_small_to_train(tmp_path):
    customers = generate_customers(6, 1)
    data = join_training_data(customers, generate_orders(customers, 1))
    data[SPLIT] = assign_split(data["customer_id"], 0)
    target = TARGETS[-1]
    with pytest.raises(Failure) as raised:
        candidate_models(
            build_asset_context(partition_key=target),
            CandidateConfig(),
            data,
            TrainingCompute(),
            LocalModelStore(root=str(tmp_path)),
        )
    assert raised.value.description.startswith(f"{target}: ")
    assert "cross-validation needs at least 10" in raised.value.description
    metadata = {key: value.value for key, value in raised.value.metadata.items()}
    assert metadata["target"] == target
    assert metadata["training_customers"] + metadata["holdout_customers"] == 6
