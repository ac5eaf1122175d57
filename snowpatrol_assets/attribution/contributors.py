"""Who or what burnt an anomalous day's extra credits: users, roles, query tags and queries.

Every contributor's credits on the anomalous day are compared with its typical credits: the
mean over the reference days (a day it did not run counts as 0). The difference, its delta, is
the contributor's part of the excess. Compute credits no query is charged for (idle time,
queries of a few milliseconds) are the unattributed remainder.
"""

from dataclasses import dataclass

import pandas as pd

from snowpatrol_assets.attribution.columns import (
    ATTRIBUTED_CREDITS,
    DIMENSIONS,
    QUERY_HASH,
    QUERY_TEXT,
)

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
    contributor that grew. Without reference days, every contributor is new.
    """
    per_day = max(reference_day_count, 1)  # 0 reference days: nothing is typical
    frames = [
        _dimension(day_queries, reference_queries, per_day, name, column, excess)
        for name, column in DIMENSIONS.items()
    ]
    contributors = pd.concat(
        [frame.head(top) if top else frame for frame in frames], ignore_index=True
    )
    attributed = float(day_queries[ATTRIBUTED_CREDITS].sum())
    typical_unattributed = None
    if typical_metered_compute is not None:
        typical_attributed = reference_queries[ATTRIBUTED_CREDITS].sum() / per_day
        typical_unattributed = float(typical_metered_compute - typical_attributed)
    return ExcessExplanation(
        metered_compute=float(metered_compute),
        excess=float(excess),
        attributed=attributed,
        unattributed=float(metered_compute) - attributed,
        typical_unattributed=typical_unattributed,
        contributors=contributors[CONTRIBUTOR_COLUMNS],
    )


def _dimension(
    day: pd.DataFrame,
    reference: pd.DataFrame,
    per_day: int,
    name: str,
    column: str,
    excess: float,
) -> pd.DataFrame:
    """Contributors of one dimension that used more than typical, largest delta first.

    Blank values (a query without QUERY_TAG) are no contributor: "untagged" names nobody.
    """
    credits = _credits_by(day, column)
    typical = _credits_by(reference, column) / per_day
    typical = typical.reindex(credits.index, fill_value=0.0)
    frame = pd.DataFrame(
        {
            DIMENSION: name,
            CONTRIBUTOR: credits.index,
            CREDITS: credits.to_numpy(),
            TYPICAL_CREDITS: typical.to_numpy(),
        }
    )
    frame[DELTA_CREDITS] = frame[CREDITS] - frame[TYPICAL_CREDITS]
    frame[SHARE_OF_EXCESS] = frame[DELTA_CREDITS] / excess if excess > 0 else float("nan")
    frame[CHANGE] = [NEW if seen == 0 else GROWN for seen in frame[TYPICAL_CREDITS]]
    frame[SAMPLE_TEXT] = _sample_texts(day, frame[CONTRIBUTOR]) if column == QUERY_HASH else ""
    grown = frame[frame[DELTA_CREDITS] > 0]
    return grown.sort_values([DELTA_CREDITS, CONTRIBUTOR], ascending=[False, True])


def _credits_by(queries: pd.DataFrame, column: str) -> pd.Series:
    named = queries[queries[column].fillna("").astype(str).str.strip() != ""]
    return named.groupby(column)[ATTRIBUTED_CREDITS].sum()


def _sample_texts(day: pd.DataFrame, hashes: pd.Series) -> list[str]:
    texts = day.groupby(QUERY_HASH)[QUERY_TEXT].first()
    return [_truncate(str(texts[h])) for h in hashes]


def _truncate(text: str) -> str:
    return text if len(text) <= SAMPLE_TEXT_CHARS else text[: SAMPLE_TEXT_CHARS - 1] + "…"
