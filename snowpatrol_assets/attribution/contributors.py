"""Who or what burnt an anomalous day's extra credits: users, roles, query tags and queries.

Every contributor's credits on the anomalous day are compared with its typical credits: the
mean over the reference days (a day it did not run counts as 0). The difference, its delta, is
the contributor's part of the excess. Compute credits no query is charged for (idle time,
queries of a few milliseconds) are the unattributed remainder.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from snowpatrol_assets.attribution.columns import (
    ATTRIBUTED_CREDITS,
    DIMENSIONS,
    QUERY_HASH,
    QUERY_TEXT,
)

ANOMALY = "ANOMALY"
"""In a batch, the query rows of anomaly i carry ANOMALY = i."""

TOP_CONTRIBUTORS = 5
"""Contributors listed per dimension, largest delta first."""

SAMPLE_TEXT_CHARS = 200
"""A parameterized query is shown with one sample text cut to this many characters."""

NEW = "new"
"""The contributor did not run on any reference day..."""

GROWN = "grown"
"""...or it did, and used more credits on the anomalous day than it typically does."""

DIMENSION = "DIMENSION"
CONTRIBUTOR = "CONTRIBUTOR"
SAMPLE_TEXT = "SAMPLE_TEXT"
CREDITS = "CREDITS"
TYPICAL_CREDITS = "TYPICAL_CREDITS"
DELTA_CREDITS = "DELTA_CREDITS"
SHARE_OF_EXCESS = "SHARE_OF_EXCESS"
CHANGE = "CHANGE"
CONTRIBUTOR_COLUMNS = [
    DIMENSION,
    CONTRIBUTOR,
    SAMPLE_TEXT,
    CREDITS,
    TYPICAL_CREDITS,
    DELTA_CREDITS,
    SHARE_OF_EXCESS,
    CHANGE,
]


@dataclass(frozen=True)
class ExcessExplanation:
    """One anomalous warehouse-day explained.

    `metered_compute`: the day's CREDITS_USED_COMPUTE; `excess`: credits above the detector's
    expectation; `attributed`: compute credits charged to queries that day; `unattributed`:
    the rest (idle time and very short queries); `typical_unattributed`: its mean on the
    reference days, when their metered compute was given. `contributors`: per dimension, the
    contributors that grew most (CONTRIBUTOR_COLUMNS), SHARE_OF_EXCESS being delta / excess.
    """

    metered_compute: float
    excess: float
    attributed: float
    unattributed: float
    typical_unattributed: float | None
    contributors: pd.DataFrame


def explain_excess(
    day_queries: pd.DataFrame,
    reference_queries: pd.DataFrame,
    *,
    reference_day_count: int,
    metered_compute: float,
    excess: float,
    typical_metered_compute: float | None = None,
    top: int | None = TOP_CONTRIBUTORS,
) -> ExcessExplanation:
    """Explains one warehouse's anomalous day from its query attribution rows.

    `day_queries`: the anomalous day's rows; `reference_queries`: the rows of its
    `reference_day_count` ordinary reference days (see `reference_days`), in the columns of
    QUERY_HISTORY_COLUMNS. `typical_metered_compute`, the mean metered compute of the reference
    days, also gives the unattributed remainder a typical value. `top=None` keeps every
    contributor that grew. Without reference days, every contributor is new. A batch of one
    anomaly for `explain_batch`.
    """
    return explain_batch(
        day_queries.assign(**{ANOMALY: 0}),
        reference_queries.assign(**{ANOMALY: 0}),
        reference_day_counts=[reference_day_count],
        metered_compute=[metered_compute],
        excess=[excess],
        typical_metered_compute=[typical_metered_compute],
        top=top,
    )[0]


def explain_batch(
    day_queries: pd.DataFrame,
    reference_queries: pd.DataFrame,
    *,
    reference_day_counts: Sequence[int],
    metered_compute: Sequence[float],
    excess: Sequence[float],
    typical_metered_compute: Sequence[float | None],
    top: int | None = TOP_CONTRIBUTORS,
) -> list[ExcessExplanation]:
    """Explains many anomalous days at once, each exactly as `explain_excess` explains it.

    Anomaly i has the i-th value of each sequence and the query rows whose ANOMALY is i: rows
    of its day in `day_queries`, rows of its reference days in `reference_queries` (a day
    shared by two anomalies is there twice). Within an anomaly rows keep their order: it
    decides the last digits of sums. A handful of grouped pandas operations serve the whole
    batch, so the cost barely grows with the number of anomalies.
    """
    count = len(excess)
    day = day_queries.sort_values(ANOMALY, kind="stable", ignore_index=True)
    reference = reference_queries.sort_values(ANOMALY, kind="stable", ignore_index=True)
    per_day = np.maximum(np.asarray(reference_day_counts, dtype="int64"), 1)  # 0: none typical
    excesses = np.asarray(excess, dtype="float64")
    frames = [
        _dimension(day, reference, per_day, excesses, name, column, top)
        for name, column in DIMENSIONS.items()
    ]
    contributors = pd.concat(frames, ignore_index=True).sort_values(ANOMALY, kind="stable")
    bounds = np.searchsorted(contributors[ANOMALY].to_numpy(), np.arange(count + 1))
    contributors = contributors[CONTRIBUTOR_COLUMNS].copy()  # one block per dtype: cheap slices
    attributed = _totals(day, count)
    typical_unattributed = [
        None if typical is None else float(typical - typical_attributed)
        for typical, typical_attributed in zip(
            typical_metered_compute, _totals(reference, count) / per_day, strict=True
        )
    ]
    return [
        ExcessExplanation(
            metered_compute=float(metered),
            excess=float(anomaly_excess),
            attributed=float(attributed[i]),
            unattributed=float(metered) - float(attributed[i]),
            typical_unattributed=typical_unattributed[i],
            contributors=contributors.iloc[bounds[i] : bounds[i + 1]].reset_index(drop=True),
        )
        for i, (metered, anomaly_excess) in enumerate(zip(metered_compute, excess, strict=True))
    ]


def _dimension(
    day: pd.DataFrame,
    reference: pd.DataFrame,
    per_day: np.ndarray,
    excess: np.ndarray,
    name: str,
    column: str,
    top: int | None,
) -> pd.DataFrame:
    """Per anomaly, the contributors of one dimension that used more than typical, largest
    delta first (ANOMALY and CONTRIBUTOR_COLUMNS).

    Blank values (a query without QUERY_TAG) are no contributor: "untagged" names nobody.
    """
    credits = _credits_by(day, column)
    typical = _credits_by(reference, column)
    typical = typical / per_day[typical.index.get_level_values(ANOMALY)]
    typical = typical.reindex(credits.index, fill_value=0.0)
    frame = pd.DataFrame(
        {
            ANOMALY: credits.index.get_level_values(ANOMALY),
            DIMENSION: name,
            CONTRIBUTOR: credits.index.get_level_values(column),
            CREDITS: credits.to_numpy(),
            TYPICAL_CREDITS: typical.to_numpy(),
        }
    )
    frame[DELTA_CREDITS] = frame[CREDITS] - frame[TYPICAL_CREDITS]
    grown = frame[frame[DELTA_CREDITS] > 0].sort_values(
        [ANOMALY, DELTA_CREDITS, CONTRIBUTOR], ascending=[True, False, True]
    )
    if top:
        grown = grown.groupby(ANOMALY).head(top)
    excess_of = excess[grown[ANOMALY].to_numpy()]
    return grown.assign(
        **{
            SHARE_OF_EXCESS: (grown[DELTA_CREDITS] / excess_of).where(excess_of > 0),
            CHANGE: np.where(grown[TYPICAL_CREDITS] == 0, NEW, GROWN).astype(object),
            SAMPLE_TEXT: _sample_texts(day, grown) if column == QUERY_HASH else "",
        }
    )[[ANOMALY, *CONTRIBUTOR_COLUMNS]]


def _credits_by(queries: pd.DataFrame, column: str) -> pd.Series:
    """Attributed credits per anomaly and named value of `column`."""
    codes, values = pd.factorize(queries[column])  # blank tested once per distinct value
    named = np.array([str(value).strip() != "" for value in values] + [False])
    contributor = queries[column].where(named[codes])  # code -1 (missing) is the last: False
    return queries[ATTRIBUTED_CREDITS].groupby([queries[ANOMALY], contributor]).sum()


def _sample_texts(day: pd.DataFrame, queries: pd.DataFrame) -> list[str]:
    """Each contributing query's first text on its anomalous day, cut for reading."""
    texts = day.groupby([ANOMALY, QUERY_HASH])[QUERY_TEXT].first()
    wanted = pd.MultiIndex.from_arrays([queries[ANOMALY], queries[CONTRIBUTOR]])
    return [_truncate(str(text)) for text in texts.reindex(wanted)]


def _truncate(text: str) -> str:
    return text if len(text) <= SAMPLE_TEXT_CHARS else text[: SAMPLE_TEXT_CHARS - 1] + "…"


def _totals(queries: pd.DataFrame, count: int) -> np.ndarray:
    """Each anomaly's attributed credits, from rows sorted by ANOMALY.

    Added per anomaly as `Series.sum` adds (numpy's pairwise summation, NaN as 0): a grouped
    sum adds in another order, which changes the last digits of a third of the totals.
    """
    credits = queries[ATTRIBUTED_CREDITS].to_numpy(dtype="float64")
    credits = np.where(np.isnan(credits), 0.0, credits)
    bounds = np.searchsorted(queries[ANOMALY].to_numpy(), np.arange(count + 1))
    return np.array([credits[a:b].sum() for a, b in pairwise(bounds)], dtype="float64")
