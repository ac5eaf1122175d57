"""How well a model family predicts customers it has not seen: seeded, repeated k-fold
cross-validation on the training customers, and the minimum data it needs.

The folds are fitted in process on pandas with the same snowflake-ml pipeline as the stored
models, whatever the training compute. Measured on the demo's ~960 training customers, it costs
little more than the equivalent scikit-learn pipeline (LassoCV 23 vs 13 ms a fit, random forest
0.35 vs 0.27 s, same predictions), while a Snowpark round trip per fold would cost far more than
the fit itself.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from cookie_assets.contract import CUSTOMER_ID
from cookie_assets.modeling.candidates import (
    DEFAULT_N_ESTIMATORS,
    build_pipeline,
    fit,
    prediction_columns,
    score,
    training_columns,
)

if TYPE_CHECKING:
    import pandas as pd

FOLDS = 5
REPEATS = 3
MIN_CUSTOMERS_PER_SCORE = 2
"""R² needs at least two customers: per CV fold, and on the holdout."""


class TooFewCustomers(ValueError):
    """The customers cannot support training and a fair score for this target."""

    def __init__(self, target: str, problem: str, training_customers: int, holdout_customers: int):
        super().__init__(f"{target}: {problem}")
        self.metadata = {
            "target": target,
            "training_customers": training_customers,
            "holdout_customers": holdout_customers,
            "cv_folds": FOLDS,
        }


def require_enough_customers(train: pd.DataFrame, test: pd.DataFrame, target: str) -> None:
    """Raises TooFewCustomers unless every CV fold and the holdout can score `target`, and its
    box counts vary among the training customers (a constant target has nothing to learn)."""
    trained, held_out = len(train), len(test)
    needed = FOLDS * MIN_CUSTOMERS_PER_SCORE
    if trained < needed:
        problem = (
            f"{trained} training customers, {FOLDS}-fold cross-validation needs at least "
            f"{needed} ({MIN_CUSTOMERS_PER_SCORE} per fold)"
        )
    elif train[target].nunique() < 2:
        problem = (
            f"all {trained} training customers ordered {train[target].iloc[0]} boxes; "
            "a target that never varies cannot be learnt"
        )
    elif held_out < MIN_CUSTOMERS_PER_SCORE:
        problem = (
            f"{held_out} holdout customers, the final estimate needs at least "
            f"{MIN_CUSTOMERS_PER_SCORE}"
        )
    else:
        return
    raise TooFewCustomers(target, problem, trained, held_out)


@dataclass(frozen=True)
class CrossValidated:
    """A family's skill on unseen customers: mean R² and MAE (boxes) over the CV folds, and the
    standard error of each mean (`_std`), i.e. how much of a difference is noise."""

    r2: float
    r2_std: float
    mae: float
    mae_std: float


def validated_by_family(table: pd.DataFrame) -> dict[str, CrossValidated]:
    """The CV figures of a candidates table (a `family` column and CrossValidated's columns)."""
    names = [field.name for field in fields(CrossValidated)]
    return {
        row["family"]: CrossValidated(**{name: float(row[name]) for name in names})
        for _, row in table.iterrows()
    }


def standard_error(fold_scores: list[float], folds: int = FOLDS) -> float:
    """Standard error of a repeated k-fold mean, with Nadeau & Bengio's correction: folds share
    training customers, so the naive std/√n would call noise a difference."""
    return statistics.stdev(fold_scores) * math.sqrt(1 / len(fold_scores) + 1 / (folds - 1))


def cross_validate(
    train: pd.DataFrame,
    family: str,
    target: str,
    seed: int,
    n_estimators: int = DEFAULT_N_ESTIMATORS,
) -> CrossValidated:
    """Fits `family` on FOLDS × REPEATS seeded folds of the training customers and scores each
    on its left-out customers. Deterministic for a seed: the folds depend on who the customers
    are (sorted by id), not on the order a table returns them in."""
    from sklearn.model_selection import RepeatedKFold

    customers = train.sort_values(CUSTOMER_ID, ignore_index=True)
    folds = RepeatedKFold(n_splits=FOLDS, n_repeats=REPEATS, random_state=seed)
    r2, mae = [], []
    for fit_rows, left_out_rows in folds.split(customers):
        pipeline = build_pipeline(family, target, seed, n_estimators)
        fit(pipeline, customers.iloc[fit_rows][training_columns(target)])
        left_out = customers.iloc[left_out_rows]
        scores = score(pipeline, left_out[prediction_columns()], left_out, target)
        r2.append(scores["r2"])
        mae.append(scores["mae"])
    return CrossValidated(
        r2=statistics.fmean(r2),
        r2_std=standard_error(r2),
        mae=statistics.fmean(mae),
        mae_std=standard_error(mae),
    )
