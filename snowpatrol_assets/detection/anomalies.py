"""From a warehouse's daily credits to flagged anomalous days: fit once, score any time.

Methods: `robust_baseline` (the default, see robust_baseline.py), and the seed's Isolation
Forest on the residual of a weekly decomposition, `isolation_forest` (classical moving-average
decomposition) or `robust_stl` (robust STL). Every method reports the same columns and applies
the same materiality floors.
"""

from dataclasses import dataclass

import pandas as pd

from snowpatrol_assets.detection.decomposition import (
    CLASSICAL,
    ROBUST_STL,
    complete_daily,
    decompose,
    enough_history,
)
from snowpatrol_assets.detection.isolation_forest import WarehouseModel, fit_model, score
from snowpatrol_assets.detection.materiality import MIN_EXCESS_CREDITS, MIN_EXCESS_PCT, is_material
from snowpatrol_assets.detection.methods import (
    DEFAULT_METHOD,
    ISOLATION_FOREST,
    METHODS,
    ROBUST_BASELINE,
    ROBUST_STL_FOREST,
)
from snowpatrol_assets.detection.robust_baseline import (
    THRESHOLD,
    RobustProfile,
    fit_profile,
    score_days,
)

_FOREST_DECOMPOSITIONS = {ISOLATION_FOREST: CLASSICAL, ROBUST_STL_FOREST: ROBUST_STL}


@dataclass(frozen=True)
class DetectorModel:
    """A fitted detector of one warehouse: its method, what it learnt and from how many days."""

    method: str
    fitted: RobustProfile | WarehouseModel
    training_days: int


def fit_detector(usage: pd.Series, method: str = DEFAULT_METHOD) -> DetectorModel:
    """Fits `method` on a warehouse's daily credits (DatetimeIndex, missing days = 0 credits).

    Raises InsufficientHistoryError below two weeks of history.
    """
    if method == ROBUST_BASELINE:
        daily = enough_history(usage)
        return DetectorModel(method, fit_profile(daily), len(daily))
    features = decompose(usage, _decomposition(method))
    return DetectorModel(method, fit_model(features["residual"]), len(features))


def score_usage(
    model: DetectorModel,
    usage: pd.Series,
    *,
    min_excess_credits: float = MIN_EXCESS_CREDITS,
    min_excess_pct: float = MIN_EXCESS_PCT,
) -> pd.DataFrame:
    """Scores every day of `usage` with a fitted model, on the input's index.

    Columns: `credits`, `expected` (never negative), `excess` (credits - expected), `score`,
    `threshold` and boolean `is_anomaly`: the day is statistically unusual for the method, used
    more than expected, and its excess is at least `min_excess_credits` credits and
    `min_excess_pct` percent of expected. For `robust_baseline` a higher score is more unusual
    (unusual above the threshold); for the Isolation Forest methods lower is (below it).
    """
    if model.method == ROBUST_BASELINE:
        daily = complete_daily(usage)
        expected, scores, unusual = score_days(model.fitted, daily)
        days = pd.DataFrame(
            {"credits": daily, "expected": expected, "score": scores, "threshold": THRESHOLD},
            index=daily.index,
        )
    else:
        days = scored_days(decompose(usage, _decomposition(model.method)), model.fitted)
        unusual = days["is_anomaly"]
        days["expected"] = days["expected"].clip(lower=0.0)
    days["excess"] = days["credits"] - days["expected"]
    material = is_material(days["excess"], days["expected"], min_excess_credits, min_excess_pct)
    days["is_anomaly"] = unusual & material
    columns = ["credits", "expected", "excess", "score", "threshold", "is_anomaly"]
    return days[columns].reindex(usage.index.normalize()).set_axis(usage.index)


def detect_anomalies(
    usage: pd.Series,
    method: str = DEFAULT_METHOD,
    *,
    min_excess_credits: float = MIN_EXCESS_CREDITS,
    min_excess_pct: float = MIN_EXCESS_PCT,
) -> pd.DataFrame:
    """Flags anomalous days in one warehouse's daily credits: fit on them, then score them."""
    return score_usage(
        fit_detector(usage, method),
        usage,
        min_excess_credits=min_excess_credits,
        min_excess_pct=min_excess_pct,
    )


def scored_days(features: pd.DataFrame, model: WarehouseModel) -> pd.DataFrame:
    """The seed's Isolation Forest verdict on decomposed days (no materiality floors).

    A day is anomalous when its score falls below the model's threshold and it used more
    credits than expected (unusually low usage costs nothing, so it is not alerted).
    """
    expected = features["trend"] + features["seasonal"]
    scores = score(model, features["residual"])
    return pd.DataFrame(
        {
            "credits": features["credits"],
            "expected": expected,
            "excess": features["credits"] - expected,
            "score": scores,
            "threshold": model.threshold,
            "is_anomaly": (scores < model.threshold) & (features["residual"] > 0),
        },
        index=features.index,
    )


def _decomposition(method: str) -> str:
    if method not in _FOREST_DECOMPOSITIONS:
        raise ValueError(f"unknown detection method {method!r}; use one of {', '.join(METHODS)}")
    return _FOREST_DECOMPOSITIONS[method]
