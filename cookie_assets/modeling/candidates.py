"""Candidate models: one snowflake-ml pipeline (scaling, one-hot, estimator) per family.

The preprocessing is fitted on the training rows inside each pipeline, so a stored model always
carries its training-time fit and prediction never refits on new customers.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cookie_assets.contract import CATEGORICAL_FEATURES, CUSTOMER_ID, FEATURES, NUMERIC_FEATURES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

PREDICTION = "PREDICTION"
LASSO_CV = "lasso_cv"
RANDOM_FOREST = "random_forest"
GRADIENT_BOOSTING = "gradient_boosting"
FAMILIES = (LASSO_CV, RANDOM_FOREST, GRADIENT_BOOSTING)
"""The model families, simplest first (the order that breaks ties between equal scores)."""
DEFAULT_N_ESTIMATORS = 200

Identifier = Callable[[str], str]


def pandas_identifier(name: str) -> str:
    """Column identifiers for pandas frames: the names as they are."""
    return name


def snowpark_identifier(name: str) -> str:
    """Column identifiers for Snowpark frames made from pandas: quoted, case kept."""
    return f'"{name}"'


def _estimator(family: str, label: str, seed: int, n_estimators: int) -> Any:
    common = {"label_cols": [label], "output_cols": [PREDICTION]}
    if family == LASSO_CV:  # as in the original demo
        from snowflake.ml.modeling.linear_model import LassoCV

        return LassoCV(
            alphas=[0.01, 0.1, 0.5, 1.0, 2.0, 5.0], max_iter=2000, cv=5, random_state=seed, **common
        )
    if family == RANDOM_FOREST:
        from snowflake.ml.modeling.ensemble import RandomForestRegressor

        return RandomForestRegressor(
            n_estimators=n_estimators, min_samples_leaf=5, random_state=seed, n_jobs=1, **common
        )
    if family == GRADIENT_BOOSTING:
        from snowflake.ml.modeling.ensemble import GradientBoostingRegressor

        return GradientBoostingRegressor(
            n_estimators=n_estimators,
            max_depth=3,
            learning_rate=0.05,
            subsample=0.8,
            random_state=seed,
            **common,
        )
    raise ValueError(f"unknown model family {family!r}; known: {', '.join(FAMILIES)}")


def build_pipeline(
    family: str,
    target: str,
    seed: int = 0,
    n_estimators: int = DEFAULT_N_ESTIMATORS,
    identifier: Identifier = pandas_identifier,
) -> Any:
    """An unfitted snowflake-ml Pipeline: StandardScaler, OneHotEncoder, then the estimator."""
    from snowflake.ml.modeling.pipeline import Pipeline
    from snowflake.ml.modeling.preprocessing import OneHotEncoder, StandardScaler

    numeric = [identifier(c) for c in NUMERIC_FEATURES]
    categorical = [identifier(c) for c in CATEGORICAL_FEATURES]
    return Pipeline(
        steps=[
            ("scale", StandardScaler(input_cols=numeric, output_cols=numeric)),
            (
                "one_hot",
                OneHotEncoder(
                    input_cols=categorical,
                    output_cols=categorical,
                    drop_input_cols=True,
                    handle_unknown="ignore",
                ),
            ),
            ("model", _estimator(family, identifier(target), seed, n_estimators)),
        ]
    )


def training_columns(target: str) -> list[str]:
    """The columns a pipeline for `target` is fitted on."""
    return [*FEATURES, target]


def prediction_columns() -> list[str]:
    """The columns a fitted pipeline predicts from (the id keeps results aligned)."""
    return [CUSTOMER_ID, *FEATURES]


def fit(pipeline: Any, dataset: Any) -> Any:
    """Fits a pipeline on a pandas or Snowpark frame (snowflake-ml's noisy warnings muted)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pipeline.fit(dataset)


def predict(pipeline: Any, dataset: Any) -> pd.Series:
    """Predicted boxes (never below zero) by customer id, for a pandas or Snowpark frame."""
    import numpy as np
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = pipeline.predict(dataset)
    if not isinstance(result, pd.DataFrame):  # Snowpark: results come back from Snowflake
        result = result.to_pandas()
    values = np.clip(result[PREDICTION].to_numpy(dtype=float), 0, None)
    return pd.Series(values, index=result[CUSTOMER_ID].to_numpy(), name=PREDICTION)


def score(pipeline: Any, dataset: Any, unseen: pd.DataFrame, target: str) -> dict[str, float]:
    """R² and MAE of a pipeline on customers it was not fitted on (a holdout or a CV fold);
    `dataset` is `unseen` as the pipeline reads it."""
    predicted = predict(pipeline, dataset).reindex(unseen[CUSTOMER_ID])
    return r2_and_mae(unseen[target], predicted.to_numpy())


def holdout_score(pipeline: Any, dataset: Any, holdout: pd.DataFrame, target: str) -> dict:
    """The final estimate of a model fitted on every training customer: `holdout_r2` and
    `holdout_mae` on the holdout customers; `dataset` is `holdout` as the pipeline reads it."""
    scores = score(pipeline, dataset, holdout, target)
    return {f"holdout_{name}": value for name, value in scores.items()}


def r2_and_mae(actual: pd.Series, predicted: np.ndarray) -> dict[str, float]:
    """R² and mean absolute error (in boxes) of predictions."""
    from sklearn.metrics import mean_absolute_error, r2_score

    return {
        "r2": float(r2_score(actual, predicted)),
        "mae": float(mean_absolute_error(actual, predicted)),
    }


def scaling_of(pipeline: Any) -> dict[str, dict[str, float]]:
    """The fitted scaler's mean and scale per numeric feature (what prediction applies)."""
    scaler = dict(pipeline.steps)["scale"]
    return {
        name.strip('"'): {"mean": float(scaler.mean_[name]), "scale": float(scaler.scale_[name])}
        for name in scaler.mean_
    }
