"""Explains a batch of anomalous warehouse-days from the query history of the days they need."""

import numpy as np
import pandas as pd

from snowpatrol_assets.attribution.contributors import ANOMALY, ExcessExplanation, explain_batch
from snowpatrol_assets.attribution.reference_days import REFERENCE_DATE
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDITS_COMPUTE,
    START_TIME,
    USAGE_DATE,
    WAREHOUSE_ID,
    WAREHOUSE_KEY,
    warehouse_key,
)

EXCESS_CREDITS = "EXCESS_CREDITS"
_ORDER = "_ORDER"
_ROW = "_ROW"


def explain_anomalies(
    anomalies: pd.DataFrame,
    references: pd.DataFrame,
    query_history: pd.DataFrame,
    daily_usage: pd.DataFrame,
    top: int | None = None,
) -> dict[tuple[str, pd.Timestamp], ExcessExplanation]:
    """One explanation per anomalous warehouse-day, keyed by (warehouse key, day).

    `anomalies`: WAREHOUSE_KEY, USAGE_DATE, EXCESS_CREDITS (from the detector); `references`:
    from `reference_days`; `query_history`: query attribution rows covering at least
    `days_to_query`; `daily_usage`: the daily usage matrix (WAREHOUSE_KEY, USAGE_DATE,
    CREDITS_USED_COMPUTE) for the metered compute of those days. Every anomaly is explained
    in one batch: its query rows are found by joins, not one look-up per anomaly.
    """
    count = len(anomalies)
    days = pd.DataFrame(
        {
            ANOMALY: np.arange(count),
            WAREHOUSE_KEY: anomalies[WAREHOUSE_KEY].to_numpy(dtype=object),
            USAGE_DATE: _days(anomalies[USAGE_DATE]),
        }
    )
    earlier = _earlier_days(days, references)
    compute = daily_usage.set_index([daily_usage[WAREHOUSE_KEY], _days(daily_usage[USAGE_DATE])])
    compute = compute[CREDITS_COMPUTE]
    reference_day_counts = np.bincount(earlier[ANOMALY], minlength=count)
    query_days = _query_days(query_history)
    explanations = explain_batch(
        _rows_of(days, query_days, query_history),
        _rows_of(earlier, query_days, query_history),
        reference_day_counts=reference_day_counts,
        metered_compute=_compute_of(days, compute),
        excess=anomalies[EXCESS_CREDITS].tolist(),
        typical_metered_compute=_typical_compute(earlier, compute, reference_day_counts),
        top=top,
    )
    keys = zip(anomalies[WAREHOUSE_KEY], anomalies[USAGE_DATE], explanations, strict=True)
    return {(key, pd.Timestamp(day)): explanation for key, day, explanation in keys}


def _days(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy(dtype="datetime64[ns]")


def _earlier_days(days: pd.DataFrame, references: pd.DataFrame) -> pd.DataFrame:
    """Each anomaly's reference days (ANOMALY, WAREHOUSE_KEY and the day as USAGE_DATE), by
    anomaly and then in the order `references` lists them."""
    listed = pd.DataFrame(
        {
            WAREHOUSE_KEY: references[WAREHOUSE_KEY].to_numpy(dtype=object),
            USAGE_DATE: _days(references[USAGE_DATE]),
            REFERENCE_DATE: _days(references[REFERENCE_DATE]),
            _ORDER: np.arange(len(references)),
        }
    )
    earlier = days.merge(listed, on=[WAREHOUSE_KEY, USAGE_DATE]).sort_values([ANOMALY, _ORDER])
    return pd.DataFrame(
        {
            ANOMALY: earlier[ANOMALY].to_numpy(),
            WAREHOUSE_KEY: earlier[WAREHOUSE_KEY].to_numpy(),
            USAGE_DATE: earlier[REFERENCE_DATE].to_numpy(),
        }
    )


def _compute_of(days: pd.DataFrame, compute: pd.Series) -> np.ndarray:
    """The metered compute of each warehouse-day of `days`, 0 for a day not in the matrix."""
    wanted = pd.MultiIndex.from_arrays([days[WAREHOUSE_KEY], days[USAGE_DATE]])
    return compute.reindex(wanted, fill_value=0.0).to_numpy()


def _typical_compute(
    earlier: pd.DataFrame, compute: pd.Series, reference_day_counts: np.ndarray
) -> list[float | None]:
    """Each anomaly's mean metered compute over its reference days (None without any), added
    up one reference day after the other as the built-in `sum` adds."""
    totals = np.zeros(len(reference_day_counts))
    np.add.at(totals, earlier[ANOMALY].to_numpy(), _compute_of(earlier, compute))
    return [total / n if n else None for total, n in zip(totals, reference_day_counts, strict=True)]


def _query_days(query_history: pd.DataFrame) -> pd.DataFrame:
    """The warehouse key and day of every query row, and its position in `query_history`."""
    warehouses = query_history[[ACCOUNT, WAREHOUSE_ID]].drop_duplicates()
    keys = [warehouse_key(account, wid) for account, wid in warehouses.itertuples(index=False)]
    warehouses = warehouses.assign(**{WAREHOUSE_KEY: keys})  # built once per warehouse
    return pd.DataFrame(
        {
            WAREHOUSE_KEY: query_history[[ACCOUNT, WAREHOUSE_ID]]
            .merge(warehouses, how="left")[WAREHOUSE_KEY]
            .to_numpy(dtype=object),
            USAGE_DATE: _days(query_history[START_TIME].dt.normalize()),
            _ROW: np.arange(len(query_history)),
        }
    )


def _rows_of(days: pd.DataFrame, query_days: pd.DataFrame, query_history: pd.DataFrame):
    """The query rows of each of `days` (ANOMALY, WAREHOUSE_KEY, USAGE_DATE), tagged with
    ANOMALY, in the order of `days` and then of `query_history`."""
    matched = days.assign(**{_ORDER: np.arange(len(days))}).merge(
        query_days, on=[WAREHOUSE_KEY, USAGE_DATE]
    )
    matched = matched.sort_values([_ORDER, _ROW])
    rows = query_history.take(matched[_ROW].to_numpy())
    rows[ANOMALY] = matched[ANOMALY].to_numpy()
    return rows
