"""What per-partition metadata costs in a single-run backfill of dynamic partitions.

    .venv/bin/python benchmarks/partition_metadata_cost.py 1000 3000

For each N, a one-asset single-run backfill over N dynamic partitions (what
`warehouse_anomaly_models` does for N warehouses), on a fresh instance in /dev/shm (so disk
syncs do not blur it), once calling `context.add_asset_metadata(..., partition_key=k)` for
every partition and once not. Printed: the run's seconds and the seconds spent in those calls.
Dagster 1.13 re-reads every dynamic partition key from the instance in each call, so the calls
grow with N squared.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    DagsterInstance,
    DynamicPartitionsDefinition,
    InMemoryIOManager,
    asset,
    materialize,
)

PARTITIONS = DynamicPartitionsDefinition(name="probe")


def main() -> None:
    for count in (int(n) for n in sys.argv[1:]):
        for with_metadata in (False, True):
            run_s, calls_s = measure(count, with_metadata)
            label = "with" if with_metadata else "without"
            print(
                f"partitions={count} {label} per-partition metadata: run {run_s:.1f} s, "
                f"add_asset_metadata calls {calls_s:.1f} s"
            )


def measure(count: int, with_metadata: bool) -> tuple[float, float]:
    spent = {"calls": 0.0}

    @asset(
        partitions_def=PARTITIONS,
        backfill_policy=BackfillPolicy.single_run(),
        io_manager_key="memory",
    )
    def probe(context: AssetExecutionContext):
        started = time.perf_counter()
        if with_metadata:
            for key in context.partition_keys:
                context.add_asset_metadata({"model_version": 1}, partition_key=key)
        spent["calls"] = time.perf_counter() - started
        return 1

    with tempfile.TemporaryDirectory(dir="/dev/shm") as home:
        Path(home, "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        os.environ["DAGSTER_HOME"] = home
        with DagsterInstance.get() as instance:
            keys = [f"warehouse_{i:05d}" for i in range(count)]
            instance.add_dynamic_partitions(PARTITIONS.name, keys)
            started = time.perf_counter()
            materialize(
                [probe],
                instance=instance,
                resources={"memory": InMemoryIOManager()},
                tags={
                    "dagster/asset_partition_range_start": keys[0],
                    "dagster/asset_partition_range_end": keys[-1],
                },
            )
            return time.perf_counter() - started, spent["calls"]


if __name__ == "__main__":
    main()
