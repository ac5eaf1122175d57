"""How well Snowpatrol explains anomalies and forecasts month-end spend, on the simulated ACME org.

    .venv/bin/python benchmarks/explanation_quality.py [--end 2026-11-25]

Pure maths, no Dagster. History: the default simulated fleet from 2025-10-01 to the day before
`--end`.

Top-1 cause accuracy: every injected anomaly is explained from the simulated query history of
its day and its reference days (same weekday of the previous four weeks, labelled days
skipped), with the excess the default detector reports; the explanation's top cause must be
the injected cause (the new user, the runaway parameterized query or the tag of the job gone
wild). Printed overall, by cause kind and by anomaly kind.

Month-end forecast error: on day 15 of each complete month, the month-end forecast of every
warehouse with at least one month of history and of each account, against the month's actual
credits: mean absolute percentage error (months with no usage skipped), bias, and how often
the actual fell inside the 80 % interval.
"""

import argparse
import time
from datetime import date

import pandas as pd

from snowpatrol_assets.attribution import days_to_query, reference_days, top_cause
from snowpatrol_assets.attribution.anomaly_days import EXCESS_CREDITS, explain_anomalies
from snowpatrol_assets.attribution.contributors import CONTRIBUTOR, DIMENSION
from snowpatrol_assets.detection import detect_anomalies
from snowpatrol_assets.outlook import month_end_outlook
from snowpatrol_assets.outlook.month_end import (
    ACCOUNT_SCOPE,
    FORECAST_HIGH,
    FORECAST_LOW,
    MONTH_END_FORECAST,
    SCOPE,
    SCOPE_KEY,
)
from snowpatrol_assets.simulation import (
    SIMULATED_WAREHOUSES,
    SIMULATION_START,
    injected_anomalies,
    simulate_metering,
)
from snowpatrol_assets.simulation.query_history import simulate_query_history
from snowpatrol_assets.simulation.workload_cast import CAUSE_DIMENSION
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDITS,
    USAGE_DATE,
    WAREHOUSE,
    WAREHOUSE_ID,
    WAREHOUSE_KEY,
    warehouse_key,
)
from snowpatrol_assets.usage.matrix import daily_usage_matrix

FORECAST_DAY = 15
MIN_HISTORY = pd.DateOffset(months=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 25))
    end = parser.parse_args().end
    started = time.perf_counter()
    metering = simulate_metering(SIMULATION_START, end)
    matrix = daily_usage_matrix(metering, pd.Timestamp(end) - pd.Timedelta(days=1))
    labels = injected_anomalies(SIMULATION_START, end)
    explained = top_cause_hits(labels, matrix, end)
    print(
        f"History {SIMULATION_START} to {end} (exclusive), {len(SIMULATED_WAREHOUSES)} warehouses"
    )
    print()
    print("| Top-1 cause accuracy | Anomalies | Correct | Accuracy |")
    print("|---|---:|---:|---:|")
    groups = [("all", explained)]
    groups += [(f"cause: {kind}", rows) for kind, rows in explained.groupby("CAUSE_KIND")]
    groups += [(f"anomaly: {kind}", rows) for kind, rows in explained.groupby("KIND")]
    for name, rows in groups:
        print(f"| {name} | {len(rows)} | {rows['HIT'].sum()} | {rows['HIT'].mean():.1%} |")
    print()
    errors = month_end_errors(matrix)
    print(
        f"| Month-end forecast on day {FORECAST_DAY} | Months | MAPE | Bias | 80 % interval hit |"
    )
    print("|---|---:|---:|---:|---:|")
    for (scope, name), rows in errors.groupby([SCOPE, "NAME"], sort=False):
        print(f"| {scope}: {name} | {len(rows)} | {_cells(rows)} |")
    for scope, rows in errors.groupby(SCOPE, sort=False):
        print(f"| all {scope}s | {len(rows)} | {_cells(rows)} |")
    print()
    print(f"{time.perf_counter() - started:.1f} s")


def top_cause_hits(labels: pd.DataFrame, matrix: pd.DataFrame, end: date) -> pd.DataFrame:
    """The labels, each with HIT: whether the explanation's top cause is the injected cause."""
    keys = [warehouse_key(a, w) for a, w in zip(labels[ACCOUNT], labels[WAREHOUSE_ID], strict=True)]
    labels = labels.assign(**{WAREHOUSE_KEY: keys})
    excess = pd.concat(
        {
            key: detect_anomalies(days.set_index(USAGE_DATE)[CREDITS])["excess"]
            for key, days in matrix.groupby(WAREHOUSE_KEY)
        },
        names=[WAREHOUSE_KEY, USAGE_DATE],
    )
    labelled_days = pd.MultiIndex.from_frame(labels[[WAREHOUSE_KEY, USAGE_DATE]])
    labels[EXCESS_CREDITS] = excess.reindex(labelled_days).to_numpy()
    first_days = matrix.groupby(WAREHOUSE_KEY)[USAGE_DATE].min()
    references = reference_days(labels, first_days)
    history = simulate_query_history(SIMULATION_START, end, days=days_to_query(labels, references))
    explanations = explain_anomalies(labels, references, history, matrix)
    hits = []
    for key, day, kind, cause in labels[
        [WAREHOUSE_KEY, USAGE_DATE, "CAUSE_KIND", "CAUSE"]
    ].itertuples(index=False):
        top = top_cause(explanations[(key, day)])
        hits.append(
            top is not None and (top[DIMENSION], top[CONTRIBUTOR]) == (CAUSE_DIMENSION[kind], cause)
        )
    return labels.assign(HIT=hits)


def month_end_errors(matrix: pd.DataFrame) -> pd.DataFrame:
    """Forecast and actual month-end credits per warehouse and account, per complete month."""
    last_day = matrix[USAGE_DATE].max()
    months = pd.period_range(matrix[USAGE_DATE].min(), last_day, freq="M")
    complete = [m for m in months if m.end_time.normalize() <= last_day]
    first_days = matrix.groupby(WAREHOUSE_KEY)[USAGE_DATE].min()
    names = matrix.groupby(WAREHOUSE_KEY)[WAREHOUSE].last()
    month_of = matrix[USAGE_DATE].dt.to_period("M")
    frames = []
    for month in complete:
        as_of = month.start_time + pd.Timedelta(days=FORECAST_DAY - 1)
        known = first_days[first_days <= as_of - MIN_HISTORY].index
        if known.empty:
            continue
        in_month = matrix[(month_of == month) & matrix[WAREHOUSE_KEY].isin(known)]
        actual = pd.concat(
            [
                in_month.groupby(WAREHOUSE_KEY)[CREDITS].sum(),
                in_month.groupby(ACCOUNT)[CREDITS].sum(),
            ]
        )
        outlook = month_end_outlook(matrix[matrix[WAREHOUSE_KEY].isin(known)], as_of)
        outlook["ACTUAL"] = outlook[SCOPE_KEY].map(actual)
        outlook["NAME"] = [
            key if scope == ACCOUNT_SCOPE else f"{names[key]} ({key})"
            for scope, key in outlook[[SCOPE, SCOPE_KEY]].itertuples(index=False)
        ]
        frames.append(outlook[outlook["ACTUAL"] > 0])
    errors = pd.concat(frames, ignore_index=True)
    return errors.sort_values([SCOPE, SCOPE_KEY], ascending=[False, True], kind="stable")


def _cells(rows: pd.DataFrame) -> str:
    error = (rows[MONTH_END_FORECAST] - rows["ACTUAL"]) / rows["ACTUAL"]
    inside = (rows[FORECAST_LOW] <= rows["ACTUAL"]) & (rows["ACTUAL"] <= rows[FORECAST_HIGH])
    return f"{error.abs().mean():.1%} | {error.mean():+.1%} | {inside.mean():.0%}"


if __name__ == "__main__":
    main()
