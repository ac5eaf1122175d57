"""Runs the Snowpatrol graph over the whole simulated history and scores it against the labels.

    DAGSTER_DEPLOYMENT unset; .venv/bin/python benchmarks/snowpatrol_detection_quality.py

Prints the wall time of the headless run, then precision and recall of the pipeline's
anomalies (warehouse-days) against the anomalies the simulated account injected, overall, by
kind, and per injected event (a runaway plateau counts as found when any of its days is).
"""

import os
import sys
import tempfile
import time
from datetime import date, timedelta

import duckdb
import pandas as pd


def main() -> None:
    home = tempfile.mkdtemp(prefix="snowpatrol_bench_")
    os.environ["DAGSTER_HOME"] = home
    os.environ.pop("DAGSTER_DEPLOYMENT", None)
    from dagster import DagsterInstance

    from mlops_common.environment import local_data_dir
    from snowpatrol_assets.demo import materialize_local_demo
    from snowpatrol_assets.partitions import usage_days
    from snowpatrol_assets.simulation import injected_anomalies
    from snowpatrol_assets.usage.columns import warehouse_key

    days = usage_days.get_partition_keys()
    started = time.perf_counter()
    materialize_local_demo(DagsterInstance.ephemeral())
    elapsed = time.perf_counter() - started
    database = str(local_data_dir() / "snowpatrol_tables.duckdb")
    with duckdb.connect(database, read_only=True) as connection:
        found = connection.execute(
            "select WAREHOUSE_KEY, USAGE_DATE from snowpatrol.usage_anomalies"
        ).df()
        scored = connection.execute(
            "select distinct WAREHOUSE_KEY from snowpatrol.warehouse_anomaly_scores"
        ).df()
    labels = injected_anomalies(
        date.fromisoformat(days[0]), date.fromisoformat(days[-1]) + timedelta(1)
    )
    labels["key"] = [
        warehouse_key(a, w) for a, w in zip(labels.ACCOUNT_NAME, labels.WAREHOUSE_NAME, strict=True)
    ]
    labels = labels[labels["key"].isin(set(scored["WAREHOUSE_KEY"]))]
    truth = set(zip(labels["key"], labels["USAGE_DATE"], strict=True))
    flagged = set(zip(found["WAREHOUSE_KEY"], pd.to_datetime(found["USAGE_DATE"]), strict=True))
    hits = truth & flagged
    print(f"headless run: {elapsed:.1f} s for {len(days)} usage days, {len(scored)} warehouses")
    print(f"flagged warehouse-days: {len(flagged)}; injected (scored warehouses): {len(truth)}")
    print(f"precision: {len(hits) / max(len(flagged), 1):.3f}")
    print(f"recall:    {len(hits) / max(len(truth), 1):.3f}")
    for kind, rows in labels.groupby("KIND"):
        kind_truth = set(zip(rows["key"], rows["USAGE_DATE"], strict=True))
        share = len(kind_truth & flagged) / len(kind_truth)
        print(f"  recall of {kind} days: {share:.3f} ({len(kind_truth)} days)")
    events = _events(labels)
    caught = sum(any((k, d) in flagged for d in days_) for k, days_ in events)
    print(f"event recall (any day of an injected event flagged): {caught / len(events):.3f}")
    print(f"  ({caught} of {len(events)} spike or runaway events)")


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
    sys.exit(main())
