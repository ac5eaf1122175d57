"""One call from a warehouse's daily credits to flagged anomalous days."""

import pandas as pd

from snowpatrol_assets.detection.decomposition import CLASSICAL, decompose
from snowpatrol_assets.detection.isolation_forest import fit_model, score


def scored_days(features: pd.DataFrame, model) -> pd.DataFrame:
    """Scores decomposed days: expected credits, excess, score, and the anomaly flag.

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


def detect_anomalies(usage: pd.Series, method: str = CLASSICAL) -> pd.DataFrame:
    """Flags anomalous days in one warehouse's daily credits (DatetimeIndex, gaps allowed).

    Fits the seed's Isolation Forest on the weekly-decomposed residual and scores every day.
    Returns a frame on the input's index with `expected`, `excess`, `score`, `threshold` and
    boolean `is_anomaly`. Missing days count as zero usage, as in Snowflake's metering views.
    `method` picks the decomposition (see `decompose`); the default is the seed's.
    """
    features = decompose(usage, method)
    result = scored_days(features, fit_model(features["residual"]))
    return result.reindex(usage.index.normalize()).set_axis(usage.index)
