"""The cookie demand maths, callable without Dagster."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from cookie_assets.contract import TARGETS
from cookie_assets.modeling.candidates import (
    DEFAULT_N_ESTIMATORS,
    FAMILIES,
    build_pipeline,
    fit,
    holdout_score,
    prediction_columns,
    training_columns,
)
from cookie_assets.modeling.champion import best_candidate
from cookie_assets.modeling.cross_validation import (
    CrossValidated,
    cross_validate,
    require_enough_customers,
)
from cookie_assets.modeling.data import SPLIT, assign_split, join_training_data, split_frames

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["evaluate_candidates"]

COLUMNS = [
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


def evaluate_candidates(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    seed: int = 0,
    *,
    n_estimators: int = DEFAULT_N_ESTIMATORS,
) -> pd.DataFrame:
    """Cross-validated skill of every model family per target, and which one would be champion.

    `customers` and `orders` are frames in the landing files' formats. Returns one row per
    (target, family): `r2` and `mae` are means over seeded, repeated k-fold CV of the training
    customers, `r2_std` and `mae_std` their standard errors, `holdout_r2` and `holdout_mae` the
    final estimate on the holdout customers, and `champion` marks the best CV R² per target.
    `n_estimators` is the tree count of the forest and boosting families.
    Raises TooFewCustomers (a ValueError) when a target cannot be trained and scored.
    """
    import pandas as pd

    data = join_training_data(customers, orders)
    data[SPLIT] = assign_split(data["customer_id"], seed)
    train, test = split_frames(data)
    holdout = test[prediction_columns()]
    rows = []
    for target in TARGETS:
        require_enough_customers(train, test, target)
        validated: dict[str, CrossValidated] = {}
        final: dict[str, dict] = {}
        for family in FAMILIES:
            validated[family] = cross_validate(train, family, target, seed, n_estimators)
            pipeline = build_pipeline(family, target, seed, n_estimators)
            fit(pipeline, train[training_columns(target)])
            final[family] = holdout_score(pipeline, holdout, test, target)
        champion = best_candidate(validated)
        rows += [
            {
                "target": target,
                "family": family,
                "champion": family == champion,
                **asdict(validated[family]),
                **final[family],
            }
            for family in FAMILIES
        ]
    return pd.DataFrame(rows, columns=COLUMNS)
