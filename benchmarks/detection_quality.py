"""How well each detection method finds the anomalies injected into two simulated accounts.

    .venv/bin/python benchmarks/detection_quality.py [--days 730]

Pure maths, no Dagster. Accounts: the default simulated ACME fleet, and a second generated
account (40 warehouses, seed 7) that no threshold was tuned on. Each warehouse's complete daily
series (hourly CREDITS_USED summed per UTC day, from its first metered day; warehouses with
fewer than 14 days are skipped) goes through `detect_anomalies` with every method and the
default materiality floors. Printed per account and method: precision and recall over
warehouse-days, runaway-day recall, event recall (an event, i.e. consecutive labelled days of
one warehouse, is caught when any of its days is flagged), false alerts per 1,000 ordinary
(unlabelled) warehouse-days, and mean milliseconds per warehouse to fit and score; then the
pickled size of one fitted model per method.
"""

import argparse
import pickle
import time
from datetime import timedelta

import pandas as pd

from snowpatrol_assets.detection import METHODS, detect_anomalies, fit_detector
from snowpatrol_assets.detection.decomposition import MIN_HISTORY_DAYS
from snowpatrol_assets.detection.evaluation import detection_quality
from snowpatrol_assets.simulation import (
    SIMULATED_WAREHOUSES,
    SIMULATION_START,
    evaluation_fleet,
    injected_anomalies,
    simulate_metering,
)

KEY = ["ACCOUNT_NAME", "WAREHOUSE_ID"]
HEADER = (
    "| Account | Method | Precision | Recall | Runaway-day recall | Event recall "
    "| False alerts / 1k ordinary days | ms / warehouse |"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=730, help="days of simulated history")
    days = parser.parse_args().days
    accounts = {
        "default (ACME, 26 warehouses)": SIMULATED_WAREHOUSES,
        "second (40 warehouses, seed 7)": evaluation_fleet(),
    }
    histories = {account: simulated_history(fleet, days) for account, fleet in accounts.items()}
    print(HEADER)
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for account, (series, labels) in histories.items():
        for method in METHODS:
            cells = evaluate(series, labels, method)
            print(f"| {account} | {method} | {' | '.join(cells)} |")
    print()
    sample = next(iter(histories[next(iter(accounts))][0].values()))
    for method in METHODS:
        print(f"pickled model, {method}: {len(pickle.dumps(fit_detector(sample, method))):,} bytes")


def simulated_history(fleet, days: int) -> tuple[dict[tuple, pd.Series], pd.DataFrame]:
    """Complete daily credits per warehouse with at least two weeks of history, and labels."""
    start, end = SIMULATION_START, SIMULATION_START + timedelta(days=days)
    metering = simulate_metering(start, end, fleet)
    daily = metering.groupby([*KEY, metering["START_TIME"].dt.normalize()])["CREDITS_USED"].sum()
    last_day = pd.Timestamp(end - timedelta(days=1))
    series = {}
    for key, credits in daily.groupby(level=KEY):
        credits = credits.droplevel(KEY)
        days_metered = pd.date_range(credits.index.min(), last_day, freq="D")
        if len(days_metered) >= MIN_HISTORY_DAYS:
            series[key] = credits.reindex(days_metered, fill_value=0.0)
    labels = injected_anomalies(start, end, fleet)
    labelled = pd.Series(list(zip(*(labels[c] for c in KEY), strict=True))).isin(series)
    return series, labels[labelled.to_numpy()]


def evaluate(series: dict[tuple, pd.Series], labels: pd.DataFrame, method: str) -> list[str]:
    """The table cells of one method on one account."""
    detect_anomalies(next(iter(series.values())), method)  # imports happen outside the timing
    flagged, seconds = set(), 0.0
    for key, credits in series.items():
        started = time.perf_counter()
        result = detect_anomalies(credits, method)
        seconds += time.perf_counter() - started
        flagged |= {(key, day) for day in result.index[result["is_anomaly"]]}
    scored_days = sum(len(s) for s in series.values())
    quality = detection_quality(flagged, _warehouse_days(labels), scored_days)
    runaway_days = _warehouse_days(labels[labels["KIND"] == "runaway"])
    return [
        f"{quality.precision:.3f}",
        f"{quality.recall:.3f}",
        f"{len(flagged & runaway_days) / len(runaway_days):.3f}",
        f"{quality.event_recall:.3f} ({quality.events_caught}/{quality.events})",
        f"{quality.false_alerts_per_1000:.2f}",
        f"{1000 * seconds / len(series):.1f}",
    ]


def _warehouse_days(labels: pd.DataFrame) -> set[tuple]:
    keys = zip(*(labels[c] for c in KEY), strict=True)
    return set(zip(keys, labels["USAGE_DATE"], strict=True))


if __name__ == "__main__":
    main()
