"""Times `dagster definitions validate` on the cookie location and on a trivial one-asset one.

Run: .venv/bin/python benchmarks/cookie_load_time.py [repeats]  (budget: cookie ≤ 1.5× trivial)
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAGSTER = ROOT / ".venv" / "bin" / "dagster"
MODULES = {"trivial": "benchmarks.cookie_trivial_location", "cookie": "cookie_assets.definitions"}


def validate_seconds(module: str, home: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(DAGSTER), "definitions", "validate", "-m", module],
        cwd=ROOT,
        env={**os.environ, "DAGSTER_HOME": home, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as home:
        times = {name: [] for name in MODULES}
        for _ in range(repeats):  # interleaved, so both see the same machine load
            for name, module in MODULES.items():
                times[name].append(validate_seconds(module, home))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"{name:8s} median {medians[name]:.2f} s  runs {', '.join(f'{v:.2f}' for v in values)}"
        )
    ratio = medians["cookie"] / medians["trivial"]
    print(f"ratio    {ratio:.2f}× (budget 1.50×) -> {'OK' if ratio <= 1.5 else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
