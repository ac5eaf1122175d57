"""The cookie demand maths, callable without Dagster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cookie_assets.contract import TARGETS
from cookie_assets.modeling.candidates import (
    FAMILIES,
    build_pipeline,
    fit,
    prediction_columns,
    score,
    training_columns,
)
from cookie_assets.modeling.champion import choose_champion
from cookie_assets.modeling.data import SPLIT, assign_split, join_training_data, split_frames

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["evaluate_candidates"]


def evaluate_candidates(
    customers: pd.DataFrame, orders: pd.DataFrame, seed: int = 0
) -> pd.DataFrame:
    """Holdout R² and MAE of every model family per target, and which one would be champion.

    `customers` and `orders` are frames in the landing files' formats. Returns one row per
    (target, family) with columns target, family, r2, mae and champion.
    """
    import pandas as pd

    data = join_training_data(customers, orders)
    data[SPLIT] = assign_split(data["customer_id"], seed)
    train, test = split_frames(data)
    rows = []
    holdout = test[prediction_columns()]
    for target in TARGETS:
        scores = {}
        for family in FAMILIES:
            pipeline = fit(build_pipeline(family, target, seed), train[training_columns(target)])
            scores[family] = score(pipeline, holdout, test, target)
        champion = choose_champion({family: s["r2"] for family, s in scores.items()})
        rows += [
            {"target": target, "family": family, **s, "champion": family == champion}
            for family, s in scores.items()
        ]
    return pd.DataFrame(rows, columns=["target", "family", "r2", "mae", "champion"])
