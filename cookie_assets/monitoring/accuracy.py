"""Realised accuracy: once customers who were predicted have ordered, how far off were their
predictions, per champion version and target?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cookie_assets.contract import BOX_COLUMNS, COHORT, CUSTOMER_ID, DAY, TARGETS, TOTAL_BOXES
from cookie_assets.monitoring.columns import CV_MAE, MODEL_VERSION, PREDICTED_BOXES, TARGET

if TYPE_CHECKING:
    import pandas as pd

ACTUAL_BOXES = "actual_boxes"
CUSTOMERS = "customers"
MAE = "mae"
BIAS = "bias"
"""Mean of predicted minus actual boxes: above zero the plans baked too much."""
MAE_RATIO = "mae_ratio"
"""Realised MAE divided by the version's cross-validated MAE."""


def realised_pairs(predictions: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and target whose order arrived in a cohort file of the day they
    were predicted or later: the latest such prediction, the actual boxes, and the version and
    CV MAE of the champion that predicted them.

    `predictions` is the predictions table, `orders` the orders table (box counts, `cohort`).
    Order rows with a missing or negative count, and customers with more than one order row,
    are left out: their files fail the orders checks.
    """
    import pandas as pd

    counts = orders[BOX_COLUMNS]
    usable = (
        orders[CUSTOMER_ID].notna()
        & ~orders[CUSTOMER_ID].duplicated(keep=False)
        & counts.notna().all(axis=1)
        & counts.fillna(-1).ge(0).all(axis=1)
    )
    actual = (
        orders[usable]
        .assign(**{TOTAL_BOXES: counts[usable].sum(axis=1)})
        .melt(
            id_vars=[CUSTOMER_ID, COHORT],
            value_vars=TARGETS,
            var_name=TARGET,
            value_name=ACTUAL_BOXES,
        )
    )
    pairs = predictions.merge(actual, on=[CUSTOMER_ID, TARGET])
    pairs = pairs[pairs[DAY] <= pd.to_datetime(pairs[COHORT])]
    pairs = pairs.astype({ACTUAL_BOXES: float, PREDICTED_BOXES: float})
    return pairs.sort_values(DAY).drop_duplicates([CUSTOMER_ID, TARGET], keep="last")


def accuracy_by_version(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per target and champion version (targets in contract order): customers, MAE, bias, the
    version's CV MAE, and the ratio of realised to CV MAE."""
    error = pairs[PREDICTED_BOXES] - pairs[ACTUAL_BOXES]
    table = (
        pairs.assign(error=error, absolute_error=error.abs())
        .groupby([TARGET, MODEL_VERSION], as_index=False)
        .agg(
            **{
                CUSTOMERS: (CUSTOMER_ID, "nunique"),
                MAE: ("absolute_error", "mean"),
                BIAS: ("error", "mean"),
                CV_MAE: (CV_MAE, "first"),
            }
        )
    )
    table[MAE_RATIO] = table[MAE] / table[CV_MAE]
    order = table[TARGET].map(TARGETS.index).argsort(kind="stable")
    return table.iloc[order].reset_index(drop=True)


def judged(table: pd.DataFrame, min_customers: int) -> pd.DataFrame:
    """The rows of an accuracy table with enough customers to tell a worse model from bad luck."""
    return table[table[CUSTOMERS] >= min_customers]


def beyond_cv(table: pd.DataFrame, max_mae_ratio: float) -> pd.DataFrame:
    """The rows of an accuracy table whose realised MAE exceeds `max_mae_ratio` times the
    cross-validated MAE."""
    return table[table[MAE] > max_mae_ratio * table[CV_MAE]]
