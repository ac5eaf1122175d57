"""Load time of each code location against a trivial one-asset location, measured the same way.

    .venv/bin/python benchmarks/location_load_time.py [ROUNDS]

Each round runs `dagster definitions validate -m MODULE` for every module in turn (interleaved,
so machine noise hits all alike) and the median wall time per module is reported with its
ratio to the trivial location. The issue's budget is a ratio of at most 1.5.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "benchmarks.trivial_location",
    "snowpatrol_assets.definitions",
    "cookie_assets.definitions",
]


def load_seconds(module: str, home: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/dagster"), "definitions", "validate", "-m", module],
        cwd=ROOT,
        env={**os.environ, "DAGSTER_HOME": home, "PYTHONWARNINGS": "ignore"},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    os.environ.pop("DAGSTER_DEPLOYMENT", None)
    with tempfile.TemporaryDirectory() as home:
        Path(home, "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        times = {m: [] for m in MODULES}
        for _ in range(rounds):
            for module in MODULES:
                times[module].append(load_seconds(module, home))
    baseline = statistics.median(times[MODULES[0]])
    for module in MODULES:
        median = statistics.median(times[module])
        print(f"{module:32} median {median:5.2f} s  ratio {median / baseline:4.2f}")


if __name__ == "__main__":
    main()
