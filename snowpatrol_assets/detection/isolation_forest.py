"""The seed's model: an Isolation Forest on the decomposed residual, cut off at mean - k*std."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

THRESHOLD_STDS = 3.0


@dataclass(frozen=True)
class WarehouseModel:
    """A fitted Isolation Forest and the score below which a day counts as anomalous."""

    forest: object
    threshold: float
    training_days: int


def fit_model(residual: pd.Series, seed: int = 0, threshold_stds: float = THRESHOLD_STDS):
    """Fits on the residual; threshold = mean - threshold_stds * std of the training scores."""
    from sklearn.ensemble import IsolationForest

    values = _column(residual)
    forest = IsolationForest(n_estimators=100, random_state=seed).fit(values)
    scores = forest.score_samples(values)
    threshold = float(scores.mean() - threshold_stds * scores.std())
    return WarehouseModel(forest=forest, threshold=threshold, training_days=len(values))


def score(model: WarehouseModel, residual: pd.Series) -> pd.Series:
    """Normality score per day (lower = more unusual), on the residual's index."""
    return pd.Series(model.forest.score_samples(_column(residual)), index=residual.index)


def _column(residual: pd.Series) -> np.ndarray:
    return residual.to_numpy(dtype=float).reshape(-1, 1)
