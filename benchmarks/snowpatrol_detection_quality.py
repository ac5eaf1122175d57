"""Runs the Snowpatrol graph over the whole simulated history and scores it against the labels.

    DAGSTER_DEPLOYMENT unset; .venv/bin/python benchmarks/snowpatrol_detection_quality.py

For each decomposition (the seed's `classical`, and `robust_stl`) it materialises the whole graph
into a fresh Dagster home, then prints the wall time of that headless run and the precision and
recall of the pipeline's anomalies (warehouse-days) against the anomalies the simulated account
injected: overall, by kind, and per injected event (an event is caught when any of its days is).
"""

import os
import tempfile
import time
from datetime import date, timedelta

import duckdb
import pandas as pd

METHODS = ["classical", "robust_stl"]


def main() -> None:
    os.environ.pop("DAGSTER_DEPLOYMENT", None)
    for method in METHODS:
        os.environ["DAGSTER_HOME"] = tempfile.mkdtemp(prefix=f"snowpatrol_bench_{method}_")
        print(f"== decomposition: {method}")
        for line in evaluate(method):
            print(line)


def evaluate(method: str) -> list[str]:
    from dagster import DagsterInstance

    from mlops_common.environment import local_data_dir
    from snowpatrol_assets.demo import materialize_local_demo
    from snowpatrol_assets.partitions import usage_days

    days = usage_days.get_partition_keys()
    started = time.perf_counter()
    materialize_local_demo(DagsterInstance.ephemeral(), decomposition=method)
    elapsed = time.perf_counter() - started
    database = str(local_data_dir() / "snowpatrol_tables.duckdb")
    with duckdb.connect(database, read_only=True) as connection:
        found = connection.execute(
            "select WAREHOUSE_KEY, USAGE_DATE from snowpatrol.usage_anomalies"
        ).df()
        scored = set(
            connection.execute(
                "select distinct WAREHOUSE_KEY from snowpatrol.warehouse_anomaly_scores"
            ).df()["WAREHOUSE_KEY"]
        )
    labels = _labels(days[0], days[-1], scored)
    truth = set(zip(labels["key"], labels["USAGE_DATE"], strict=True))
    flagged = set(zip(found["WAREHOUSE_KEY"], pd.to_datetime(found["USAGE_DATE"]), strict=True))
    hits = truth & flagged
    lines = [
        f"headless run: {elapsed:.1f} s for {len(days)} usage days, {len(scored)} warehouses",
        f"flagged warehouse-days: {len(flagged)}; injected (scored warehouses): {len(truth)}",
        f"precision: {len(hits) / max(len(flagged), 1):.3f}",
        f"recall:    {len(hits) / max(len(truth), 1):.3f}",
    ]
    for kind, rows in labels.groupby("KIND"):
        kind_truth = set(zip(rows["key"], rows["USAGE_DATE"], strict=True))
        share = len(kind_truth & flagged) / len(kind_truth)
        lines.append(f"  recall of {kind} days: {share:.3f} ({len(kind_truth)} days)")
    events = _events(labels)
    caught = sum(any((k, d) in flagged for d in event_days) for k, event_days in events)
    lines.append(f"event recall: {caught / len(events):.3f} ({caught} of {len(events)} events)")
    return lines


def _labels(first_day: str, last_day: str, scored: set[str]) -> pd.DataFrame:
    """The injected anomalies of the warehouses the pipeline scored, keyed like its tables."""
    from snowpatrol_assets.simulation import injected_anomalies
    from snowpatrol_assets.usage.columns import warehouse_key

    end = date.fromisoformat(last_day) + timedelta(days=1)
    labels = injected_anomalies(date.fromisoformat(first_day), end)
    labels["key"] = [
        warehouse_key(a, w)
        for a, w in zip(labels["ACCOUNT_NAME"], labels["WAREHOUSE_NAME"], strict=True)
    ]
    return labels[labels["key"].isin(scored)]


def _events(labels: pd.DataFrame) -> list[tuple[str, list[pd.Timestamp]]]:
    """Consecutive labelled days of the same warehouse and kind form one event."""
    events = []
    for (key, _), rows in labels.sort_values("USAGE_DATE").groupby(["key", "KIND"]):
        run: list[pd.Timestamp] = []
        for day in rows["USAGE_DATE"]:
            if run and (day - run[-1]).days > 1:
                events.append((key, run))
                run = []
            run.append(day)
        events.append((key, run))
    return events


if __name__ == "__main__":
    main()
