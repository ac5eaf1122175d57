"""What Snowpatrol costs at N warehouses: the headless pipeline against the bare maths it runs.

    .venv/bin/python benchmarks/scale.py --warehouses N [--days D] [--seed S] [--from-daily]

One process, two measurements on the same generated fleet (`simulated_fleet(N, S)`):

(a) pipeline: `materialize_local_demo` as `make run` does it, into a fresh temporary
    DAGSTER_HOME (local DuckDB tables, local model store), the fleet chosen through
    SNOWPATROL_SIM_WAREHOUSES / SNOWPATROL_SIM_SEED. Printed: each run's steps with their wall
    time (from the runs' step statistics), what each run spent outside its steps, what the demo
    spent outside its runs, the size of the model store and of the Dagster home.
(b) bare maths: the same metering generated once (not timed in bare_s), then the pure
    functions the assets call, serially in this process, without Dagster, storage or charts:
    the matrix (`daily_usage_matrix`, warehouse status), the drift features (`decompose`,
    `ks_drift`, `drifted_warehouses`), the models (`fit_detector` and the training anomaly
    rate) and the scores (`score_usage`).

The pipeline ingests usage-day partitions, which end yesterday, and the simulation starts on
2025-10-01: D is capped at the days that exist. With --from-daily the pipeline is skipped (it
ingests hourly rows, which do not fit one process at 10,000 warehouses) and the daily matrix
is built directly: hourly rows are simulated for a chunk of warehouses at a time and summed at
once, so the fleet's hourly table never exists; D is then not capped. Peaks are the process's
resident-set high-water mark (reset between phases on Linux). The last line sums it up.

The pipeline includes detector_evaluation, which the daily schedule does not run (it is weekly
and backtests every method); its time is printed with the other steps.
"""

import argparse
import gc
import os
import resource
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from snowpatrol_assets.detection import (
    decompose,
    drifted_warehouses,
    fit_detector,
    ks_drift,
    score_usage,
)
from snowpatrol_assets.detection.methods import DEFAULT_METHOD
from snowpatrol_assets.simulation import SIMULATION_START, simulate_metering, simulated_fleet
from snowpatrol_assets.simulation.fleet import SEED_VARIABLE, WAREHOUSES_VARIABLE
from snowpatrol_assets.usage.columns import START_TIME
from snowpatrol_assets.usage.features import classify_warehouses, warehouse_series, with_status
from snowpatrol_assets.usage.matrix import daily_usage_matrix

DEFAULT_DAYS = 730
CHUNK_WAREHOUSES = 250
"""--from-daily simulates this many warehouses' hourly rows at a time."""
STAGES = {
    "warehouse_metering": "ingest",
    "warehouse_daily_usage": "matrix",
    "warehouse_usage_features": "features",
    "warehouse_anomaly_models": "models",
    "warehouse_anomaly_scores": "scores",
    "anomaly_report": "report",
}
"""The issue's stage names of the pipeline's steps; the other steps are printed by asset."""
_PEAK_RESET = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouses", type=int, required=True, help="fleet size N")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days of history D")
    parser.add_argument("--seed", type=int, default=0, help="fleet seed")
    parser.add_argument(
        "--from-daily",
        action="store_true",
        help="skip the pipeline; build the daily matrix in chunks (needed for 10,000)",
    )
    args = parser.parse_args()
    fleet = simulated_fleet(args.warehouses, args.seed)
    peaks = {}
    if args.from_daily:
        days = args.days
        print(
            f"--from-daily: pipeline skipped; daily matrix of {len(fleet)} warehouses x {days} "
            f"days built {CHUNK_WAREHOUSES} warehouses at a time (no fleet-wide hourly table)"
        )
        pipeline_s, pipeline = None, "NA"
    else:
        day_keys = pipeline_days(args.days)
        days = len(day_keys)
        if days < args.days:
            print(f"days capped at {days} (asked {args.days}): usage_days end yesterday")
        pipeline_s = measure_pipeline(args.warehouses, args.seed, day_keys, peaks)
        pipeline = "FAILED" if pipeline_s is None else f"{pipeline_s:.1f}"
    bare_s = measure_bare_maths(fleet, days, args.from_daily, peaks)
    # ru_maxrss follows the high-water mark, which each phase resets: take the phases' peaks too
    peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, *peaks.values())
    ratio = "NA" if pipeline_s is None else f"{pipeline_s / bare_s:.2f}"
    print(
        f"warehouses={args.warehouses} days={days} pipeline_s={pipeline} bare_s={bare_s:.1f} "
        f"ratio={ratio} peak_rss_mb={peak_mb:.0f}"
    )


def pipeline_days(days: int) -> list[str]:
    """The first `days` usage-day partition keys from the simulation's first day."""
    from snowpatrol_assets.partitions import usage_days

    keys = usage_days.get_partition_keys()
    return [key for key in keys if key >= SIMULATION_START.isoformat()][:days]


def measure_pipeline(
    warehouses: int, seed: int, day_keys: list[str], peaks: dict[str, float]
) -> float | None:
    """Runs the demo on a fresh Dagster home and prints where its time went. Returns its
    seconds, or None when a run failed (what ran is still printed)."""
    with tempfile.TemporaryDirectory(prefix="snowpatrol_scale_") as home:
        Path(home, "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        os.environ.update(
            {"DAGSTER_HOME": home, WAREHOUSES_VARIABLE: str(warehouses), SEED_VARIABLE: str(seed)}
        )
        os.environ.pop("DAGSTER_DEPLOYMENT", None)
        from dagster import DagsterInstance

        from snowpatrol_assets.demo import materialize_local_demo

        instance = DagsterInstance.get()
        timings, failure = {}, None
        with phase_peak("pipeline", peaks), timed(timings, "pipeline"):
            try:
                materialize_local_demo(instance, days=day_keys)
            except Exception as error:  # a failed run: report how far it got, then go on
                failure = f"{type(error).__name__}: {str(error).strip()}"
        total = timings["pipeline"]
        outcome = f"FAILED after {total:.1f} s ({failure})" if failure else f"{total:.1f} s"
        print(f"pipeline: {warehouses} warehouses, {len(day_keys)} days: {outcome}")
        in_runs = print_run_timings(instance)
        print(f"  outside runs (resources, partitions, labels)   {total - in_runs:7.1f} s")
        print_store_sizes(Path(home))
        instance.dispose()
    return None if failure else total


def print_run_timings(instance) -> float:
    """Each run's steps and wall times, oldest run first; returns the runs' summed seconds."""
    in_runs = 0.0
    for run in reversed(instance.get_runs()):
        stats = instance.get_run_stats(run.run_id)
        run_s = stats.end_time - stats.start_time
        in_runs += run_s
        steps = sorted(instance.get_run_step_stats(run.run_id), key=lambda s: s.start_time)
        print(f"  run {run.run_id[:8]}: {run_s:.1f} s")
        for step in steps:
            label = STAGES.get(step.step_key, "")
            print(f"    {label:9} {step.step_key:35} {step.end_time - step.start_time:7.1f} s")
        outside = run_s - sum(step.end_time - step.start_time for step in steps)
        print(f"    {'':9} {'(run outside its steps)':35} {outside:7.1f} s")
    return in_runs


def print_store_sizes(home: Path) -> None:
    """Bytes per stored model (pickle alone and with its metadata) and the home's size."""
    from mlops_common.environment import local_data_dir

    models = list((local_data_dir() / "models").rglob("model.pkl"))
    store = local_data_dir() / "models"
    pickles = sum(path.stat().st_size for path in models)
    stored = sum(path.stat().st_size for path in store.rglob("*") if path.is_file())
    count = max(len(models), 1)
    print(
        f"  model store: {len(models)} models, {pickles / count:,.0f} bytes per model pickle, "
        f"{stored / count:,.0f} bytes per model with metadata"
    )
    home_bytes = sum(path.stat().st_size for path in home.rglob("*") if path.is_file())
    print(f"  Dagster home on disk: {home_bytes / 2**20:,.1f} MiB")


def measure_bare_maths(fleet, days: int, from_daily: bool, peaks: dict[str, float]) -> float:
    """Generates the data once, runs the maths serially; prints stages; returns their seconds."""
    start, end = SIMULATION_START, SIMULATION_START + timedelta(days=days)
    timings = {}
    with phase_peak("generation", peaks), timed(timings, "generation"):
        if from_daily:
            data = chunked_daily_matrix(fleet, start, end)
        else:
            data = simulate_metering(start, end, fleet)
    generated = "daily matrix" if from_daily else "hourly metering"
    print(f"generation ({generated}, not in bare_s): {timings.pop('generation'):.1f} s")
    with phase_peak("bare maths", peaks):
        with timed(timings, "matrix"):
            matrix = data if from_daily else daily_usage_matrix(data, last_metered_day(data))
            status = classify_warehouses(matrix)
            matrix = with_status(matrix, status)
        with timed(timings, "features"):
            drift = {
                key: ks_drift(decompose(credits)["residual"])
                for key, _, _, credits in warehouse_series(matrix, set(status.active))
            }
            drifted_warehouses(drift)
        with timed(timings, "models"):
            models = {}
            for key, _, _, credits in warehouse_series(matrix, set(status.active)):
                models[key] = fit_detector(credits, DEFAULT_METHOD)
                score_usage(models[key], credits)["is_anomaly"].mean()
        with timed(timings, "scores"):
            for key, _, _, credits in warehouse_series(matrix, set(status.active)):
                score_usage(models[key], credits)
    print(
        f"bare maths: {len(status.active)} active of {len(fleet)} warehouses "
        f"({len(status.too_short)} too short to model), {days} days"
    )
    for stage, seconds in timings.items():
        note = " (matrix prebuilt: see generation)" if from_daily and stage == "matrix" else ""
        print(f"  {stage:9} {seconds:7.1f} s{note}")
    return sum(timings.values())


def chunked_daily_matrix(fleet, start: date, end: date) -> pd.DataFrame:
    """The fleet's daily matrix, simulating and summing CHUNK_WAREHOUSES at a time."""
    last_day = pd.Timestamp(end - timedelta(days=1))
    chunks = [fleet[i : i + CHUNK_WAREHOUSES] for i in range(0, len(fleet), CHUNK_WAREHOUSES)]
    matrices = (daily_usage_matrix(simulate_metering(start, end, c), last_day) for c in chunks)
    return pd.concat(matrices, ignore_index=True)


def last_metered_day(metering: pd.DataFrame) -> pd.Timestamp:
    """The day warehouse_daily_usage completes the matrix to: the newest metered day."""
    return metering[START_TIME].dt.normalize().max()


@contextmanager
def timed(timings: dict[str, float], stage: str):
    started = time.perf_counter()
    yield
    timings[stage] = time.perf_counter() - started


@contextmanager
def phase_peak(phase: str, peaks: dict[str, float]):
    """Prints and records in `peaks` (MB) the peak RSS of a phase (Linux: the high-water mark
    is reset when it starts)."""
    gc.collect()
    resettable = _PEAK_RESET.exists()
    if resettable:
        _PEAK_RESET.write_text("5")  # the high-water mark restarts at the current RSS
    yield
    if resettable:
        peak_kb = next(
            int(line.split()[1])
            for line in _STATUS.read_text().splitlines()
            if line.startswith("VmHWM:")
        )
        peaks[phase] = peak_kb / 1024
        print(f"peak RSS during {phase}: {peaks[phase]:,.0f} MB")


if __name__ == "__main__":
    main()
