"""What one Dagster event-log entry costs on a sqlite instance, by where the instance lives.

    .venv/bin/python benchmarks/event_log_cost.py [FOLDER ...]   (default: the temp dir, /dev/shm)

Records 300 partitioned materialisations on a fresh default (sqlite) instance in each folder
and prints the milliseconds per entry: each is a sqlite commit, which waits for the disk.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

from dagster import AssetMaterialization, DagsterInstance

ENTRIES = 300


def main() -> None:
    for folder in sys.argv[1:] or [tempfile.gettempdir(), "/dev/shm"]:
        with tempfile.TemporaryDirectory(dir=folder) as home:
            Path(home, "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
            os.environ["DAGSTER_HOME"] = home
            with DagsterInstance.get() as instance:
                started = time.perf_counter()
                for i in range(ENTRIES):
                    instance.report_runless_asset_event(
                        AssetMaterialization("probe", partition=f"p{i}", metadata={"i": i})
                    )
                seconds = time.perf_counter() - started
        print(f"{folder}: {seconds / ENTRIES * 1000:.1f} ms per event-log entry")


if __name__ == "__main__":
    main()
