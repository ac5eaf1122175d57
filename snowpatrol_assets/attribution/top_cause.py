"""The single most likely cause of an anomalous day, across users, roles, tags and queries."""

import pandas as pd

from snowpatrol_assets.attribution.columns import DIMENSIONS
from snowpatrol_assets.attribution.contributors import DELTA_CREDITS, DIMENSION, ExcessExplanation

EXPLAINS_SHARE = 0.6
"""A contributor explains the anomaly when its delta is at least 60 % of the largest delta of
any contributor. A runaway query's user, tag and role grow by as much as the query itself, so
all of them explain it; the query, being the most specific, is the cause. A tagged job's
queries each carry only part of the job's growth, so the tag is named instead."""


def top_cause(explanation: ExcessExplanation) -> pd.Series | None:
    """The most specific contributor that explains the anomaly (a row of `contributors`).

    Specificity follows DIMENSIONS: query, then query tag, user, role; within a dimension the
    largest delta wins. None when no contributor used more credits than typical.
    """
    contributors = explanation.contributors
    if contributors.empty:
        return None
    explaining = contributors[
        contributors[DELTA_CREDITS] >= EXPLAINS_SHARE * contributors[DELTA_CREDITS].max()
    ]
    specificity = explaining[DIMENSION].map({name: rank for rank, name in enumerate(DIMENSIONS)})
    ranked = explaining.assign(_rank=specificity).sort_values(
        ["_rank", DELTA_CREDITS], ascending=[True, False]
    )
    return ranked.drop(columns="_rank").iloc[0]
