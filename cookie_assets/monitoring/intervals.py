"""How far the day's actual orders may fall from the bake plan."""

from __future__ import annotations

import math
from collections.abc import Iterable
from statistics import NormalDist
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

PLAN_COVERAGE = 0.8

PLAN_INTERVAL_RULE = (
    f"{PLAN_COVERAGE:.0%} interval of the day's boxes: expected ± z·√(Σ residual_sd²) over the "
    "day's customers, residual_sd being the predicting champion's root-mean-square error on "
    "the holdout customers (never trained on) and z the normal quantile for the coverage; the "
    "low end never goes below zero. Customers' errors are taken as independent, so an error "
    "they all share (a champion biased on new customers, see cookie/realised_accuracy) makes "
    "the range too narrow."
)


def root_mean_square(errors: pd.Series) -> float:
    """√(mean of the squared errors): the spread of actual values around predictions."""
    return math.sqrt(float((errors.astype(float) ** 2).mean()))


def plan_interval(
    expected: float, residual_sds: Iterable[float], coverage: float = PLAN_COVERAGE
) -> tuple[float, float]:
    """(low, high) boxes around `expected`, the sum of predictions whose residual standard
    deviations are `residual_sds` (see PLAN_INTERVAL_RULE)."""
    z = NormalDist().inv_cdf(0.5 + coverage / 2)
    spread = z * math.sqrt(math.fsum(sd**2 for sd in residual_sds))
    return max(0.0, expected - spread), expected + spread
