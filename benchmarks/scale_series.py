"""How Snowpatrol's cost grows with the fleet: benchmarks/scale.py at several sizes, then the
growth exponents of time and memory between them (1.0 = linear).

    .venv/bin/python benchmarks/scale_series.py 100 300 1000 [-- scale.py options, e.g. --days 730]

Each size runs in its own process (the fleet is chosen before the code location loads); their
output is passed through, then a table of the final lines and the exponents (the slope of
log(value) against log(warehouses) between the smallest and the largest size).
"""

import math
import subprocess
import sys
from pathlib import Path

SCALE = Path(__file__).with_name("scale.py")
GROWTH = ("pipeline_s", "bare_s", "pipeline_peak_rss_mb")


def main() -> None:
    args = sys.argv[1:]
    split = args.index("--") if "--" in args else len(args)
    sizes, options = [int(n) for n in args[:split]], args[split + 1 :]
    results = [run(size, options) for size in sizes]
    print("\n".join(" ".join(f"{k}={v}" for k, v in result.items()) for result in results))
    small, large = results[0], results[-1]
    span = math.log(float(large["warehouses"]) / float(small["warehouses"]))
    for name in GROWTH:
        if "NA" in (small[name], large[name]) or span == 0:
            continue
        exponent = math.log(float(large[name]) / float(small[name])) / span
        print(
            f"growth exponent of {name} from {small['warehouses']} to {large['warehouses']} "
            f"warehouses: {exponent:.2f}"
        )


def run(size: int, options: list[str]) -> dict[str, str]:
    """One scale.py run, its output shown as it comes; returns its final line's fields."""
    command = [sys.executable, "-u", str(SCALE), "--warehouses", str(size), *options]
    last = ""
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            last = line if line.startswith("warehouses=") else last
    if process.returncode or not last:
        sys.exit(f"scale.py --warehouses {size} failed (exit {process.returncode})")
    return dict(field.split("=", 1) for field in last.split())


if __name__ == "__main__":
    main()
