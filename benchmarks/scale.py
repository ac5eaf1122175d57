"""What Snowpatrol costs at N warehouses: the headless pipeline against the bare maths it runs.

    .venv/bin/python benchmarks/scale.py --warehouses N [--days D] [--seed S] [--daily-rows]
        [--cores C] [--skip-evaluation] [--home-dir DIR] [--next-day]

One process, one data set, two measurements:

(0) data: the simulated fleet `simulated_fleet(N, S)` with D days of history ending yesterday
    (SNOWPATROL_HISTORY_START moves the usage-day partitions and the simulation together) is
    generated once, 250 warehouses at a time, into a DuckDB file that stands in for Snowflake's
    WAREHOUSE_METERING_HISTORY, with the anomalies the simulation injected (the labels the
    simulated account gives). Not timed in either measurement.
(a) pipeline: the demo's three runs (`materialize_pipeline`: ingest with features and the
    detector evaluation, train and score every warehouse with contributors and outlook, the
    report) on a fresh sqlite Dagster home with local DuckDB tables and model store. The usage
    source reads the stored rows of the requested days, as the Snowflake source queries its
    view. Printed: each step's wall time, the runs' time outside their steps, the time outside
    the runs, the number of event-log entries, the time Dagster spent writing them and in its
    per-partition metadata calls (and the pipeline's time besides), the model store's size.
    `pipeline_s` is the daily pipeline: everything except `detector_evaluation`, which runs
    weekly and backtests every method (printed apart as `evaluation_s`).
(b) bare maths: the functions the assets call, serially in this process, without Dagster,
    storage or charts: the matrix (`read_daily_matrix`, the pipeline's query, run by DuckDB on
    the generated rows; warehouse status), the drift features (`decomposed_with_drift` per
    warehouse, `drifted_warehouses`), the models (`fit_with_training_rate`) and the
    scores (`score_usage`). Like the pipeline, it never holds the hourly rows.

--next-day also measures a morning after the first load: the history's last day is held back
from the load and landed afterwards (`materialize_next_day`: ingest the day, train what the
retraining sensor requests, score, explain, report), against the bare maths of that morning
(the matrix, every warehouse's drift features, fits of the warehouses the sensor chose, every
warehouse scored).

--daily-rows stores one row per warehouse-day instead of hourly rows (the hourly rows of
10,000 warehouses over two years, 175 million, do not fit one process): the daily matrix the
database builds from them is the same, so everything from the matrix onward is the same work.
--cores limits the worker processes of the per-warehouse maths (1: everything in one
process). Peaks are the process's resident-set high-water mark, reset between phases on Linux.
The last line sums it up.
"""

import argparse
import gc
import os
import resource
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

DEFAULT_DAYS = 730
CHUNK_WAREHOUSES = 250
"""Warehouses simulated at a time: the fleet's hourly table never exists in memory at once."""
METERING_TABLE = "metering"
LABELS_TABLE = "labels"
_PEAK_RESET = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouses", type=int, required=True, help="fleet size N")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days of history D")
    parser.add_argument("--seed", type=int, default=0, help="fleet seed")
    parser.add_argument("--daily-rows", action="store_true", help="store daily, not hourly rows")
    parser.add_argument("--cores", type=int, help="worker processes (default: every core)")
    parser.add_argument(
        "--skip-evaluation", action="store_true", help="leave out the weekly detector_evaluation"
    )
    parser.add_argument("--home-dir", help="folder for the temporary Dagster home and data")
    parser.add_argument(
        "--next-day", action="store_true", help="also measure the morning after the first load"
    )
    args = parser.parse_args()
    first_day = date.today() - timedelta(days=args.days)
    configure_environment(args, first_day)
    from snowpatrol_assets.simulation import simulated_fleet

    fleet = simulated_fleet(args.warehouses, args.seed, first_day)
    peaks: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="snowpatrol_scale_", dir=args.home_dir) as folder:
        rows = Path(folder, "source.duckdb")
        with phase_peak("generation", peaks), timed() as generation:
            count = generate_rows(fleet, first_day, date.today(), args.daily_rows, rows)
        grain = "daily" if args.daily_rows else "hourly"
        print(
            f"data: {len(fleet)} warehouses x {args.days} days from {first_day}, {count:,} "
            f"{grain} rows, generated in {generation():.1f} s (not timed below)"
        )
        pipeline_s, evaluation_s, next_day = measure_pipeline(
            Path(folder), rows, not args.skip_evaluation, peaks, args.next_day
        )
        bare_s, next_day_bare_s = measure_bare_maths(rows, peaks, next_day and next_day[1])
    peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, *peaks.values())
    cores = args.cores or os.cpu_count()
    ratio = "NA" if pipeline_s is None else f"{pipeline_s / bare_s:.2f}"
    print(
        f"warehouses={args.warehouses} days={args.days} pipeline_s={fmt(pipeline_s)} "
        f"bare_s={bare_s:.1f} ratio={ratio} peak_rss_mb={peak_mb:.0f} "
        f"pipeline_peak_rss_mb={peaks.get('pipeline', 0):.0f} evaluation_s={fmt(evaluation_s)} "
        f"cores={cores} rows={grain}"
    )
    if next_day:
        print(
            f"next_day_s={next_day[0]:.1f} next_day_bare_s={next_day_bare_s:.1f} "
            f"next_day_ratio={next_day[0] / next_day_bare_s:.2f} trained={len(next_day[1])}"
        )


def configure_environment(args, first_day: date) -> None:
    """The fleet, history and cores the pipeline reads, set before the location is imported."""
    from snowpatrol_assets.history import HISTORY_START_VARIABLE
    from snowpatrol_assets.simulation.fleet import SEED_VARIABLE, WAREHOUSES_VARIABLE

    os.environ.update(
        {
            HISTORY_START_VARIABLE: first_day.isoformat(),
            WAREHOUSES_VARIABLE: str(args.warehouses),
            SEED_VARIABLE: str(args.seed),
        }
    )
    os.environ.pop("DAGSTER_DEPLOYMENT", None)
    if args.cores:
        os.environ["LOKY_MAX_CPU_COUNT"] = str(args.cores)  # joblib's cpu_count() obeys it


def generate_rows(fleet, first_day: date, end: date, daily: bool, database: Path) -> int:
    """Simulates the fleet's metering, and the anomalies it injects (the source's labels),
    CHUNK_WAREHOUSES at a time into `database`. Returns the number of metering rows."""
    import duckdb

    from snowpatrol_assets.simulation import injected_anomalies, simulate_metering

    count = 0
    with duckdb.connect(str(database)) as connection:
        for start in range(0, len(fleet), CHUNK_WAREHOUSES):
            warehouses = fleet[start : start + CHUNK_WAREHOUSES]
            chunk = simulate_metering(first_day, end, warehouses)
            chunk = as_daily_rows(chunk) if daily else chunk
            injected = injected_anomalies(first_day, end, warehouses)
            injected = injected[["ACCOUNT_NAME", "WAREHOUSE_ID", "USAGE_DATE"]]
            verb = "CREATE TABLE {} AS" if start == 0 else "INSERT INTO {}"
            connection.execute(f"{verb.format(METERING_TABLE)} SELECT * FROM chunk")
            connection.execute(f"{verb.format(LABELS_TABLE)} SELECT * FROM injected")
            count += len(chunk)
    return count


def as_daily_rows(hourly: pd.DataFrame) -> pd.DataFrame:
    """One metering row per warehouse-day (starting at midnight) holding the day's credits."""
    from snowpatrol_assets.usage.columns import CREDIT_COLUMNS, END_TIME, START_TIME

    day = hourly[START_TIME].dt.normalize().rename(START_TIME)
    keys = ["ACCOUNT_NAME", "WAREHOUSE_ID", "WAREHOUSE_NAME", day]
    daily = hourly.groupby(keys, sort=False)[CREDIT_COLUMNS].sum().reset_index()
    daily[END_TIME] = daily[START_TIME] + pd.Timedelta(hours=1)
    return daily[hourly.columns]


def stored_rows_source(database: Path):
    """The simulated account's source, its metering read from the generated rows."""
    from snowpatrol_assets.sources import SimulatedAccountSource

    class StoredRowsSource(SimulatedAccountSource):
        """Metering rows of the requested days, and the injected anomalies (the labels the
        simulated account knows), from the generated DuckDB file."""

        def fetch_metering(self, start, end) -> pd.DataFrame:
            return read_rows(database, start, end)

        def labelled_anomalies(self, first_day, last_day) -> set:
            return read_labels(database, first_day, last_day)

    return StoredRowsSource()


def read_rows(database: Path, start, end) -> pd.DataFrame:
    """Stored metering rows with START_TIME in [start, end)."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        query = (
            f"SELECT * FROM {METERING_TABLE} WHERE START_TIME >= ? AND START_TIME < ? "
            "ORDER BY START_TIME"
        )
        return connection.execute(query, [start, end]).df()


def read_labels(database: Path, first_day, last_day) -> set:
    """(warehouse key, day) of the stored injected anomalies in [first_day, last_day]."""
    import duckdb

    from snowpatrol_assets.usage.columns import warehouse_key

    with duckdb.connect(str(database), read_only=True) as connection:
        query = (
            f"SELECT ACCOUNT_NAME, WAREHOUSE_ID, USAGE_DATE FROM {LABELS_TABLE} "
            "WHERE USAGE_DATE >= ? AND USAGE_DATE <= ?"
        )
        rows = connection.execute(query, [first_day, last_day]).fetchall()
    return {(warehouse_key(account, id_), pd.Timestamp(day)) for account, id_, day in rows}


def measure_pipeline(
    folder: Path, rows: Path, evaluate: bool, peaks: dict[str, float], next_day: bool
) -> tuple[float | None, float | None, tuple[float, list[str]] | None]:
    """Runs the demo's pipeline on a fresh Dagster home and prints where its time went.
    Returns (seconds without the detector evaluation, the evaluation's seconds, and with
    `next_day` the next morning's seconds and the warehouses it trained); None for a failed
    run (what ran is still printed)."""
    home = folder / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home)
    from dagster import DagsterInstance

    from snowpatrol_assets import demo
    from snowpatrol_assets.partitions import usage_days

    days = usage_days.get_partition_keys()
    days, last_day = (days[:-1], days[-1]) if next_day else (days, None)
    resources = {"usage_source": stored_rows_source(rows)}
    instance = DagsterInstance.get()
    failure = None
    with phase_peak("pipeline", peaks), timed() as elapsed, bookkeeping_timers() as bookkeeping:
        try:
            demo.materialize_pipeline(instance, days, resources=resources, evaluate=evaluate)
        except Exception as error:  # a failed run: report how far it got, then go on
            failure = f"{type(error).__name__}: {str(error).strip()[:300]}"
    total = elapsed()
    outcome = f"FAILED after {total:.1f} s ({failure})" if failure else f"{total:.1f} s"
    print(f"pipeline: {len(days)} usage days: {outcome}")
    in_runs, steps = print_run_timings(instance)
    print(f"  outside runs (resources, partitions)          {total - in_runs:7.1f} s")
    events = sum(len(instance.all_logs(run.run_id)) for run in instance.get_runs())
    print(f"  event-log entries written by the runs: {events:,}")
    print_bookkeeping(bookkeeping, total)
    print_store_sizes(home)
    evaluation = steps.get("detector_evaluation")
    morning = measure_next_day(instance, last_day, resources) if last_day and not failure else None
    instance.dispose()
    if failure:
        return None, evaluation, None
    return total - (evaluation or 0.0), evaluation, morning


def measure_next_day(instance, day: str, resources: dict) -> tuple[float, list[str]]:
    """Lands `day` as the automation would; prints its runs. Returns (seconds, trained)."""
    from snowpatrol_assets import demo

    earlier = {run.run_id for run in instance.get_runs()}
    with timed() as elapsed:
        trained = demo.materialize_next_day(instance, day, resources)
    print(f"next day: {day}: {elapsed():.1f} s, {len(trained)} warehouses trained")
    in_runs, _ = print_run_timings(instance, earlier)
    print(f"  outside runs (resources, partitions, sensor)  {elapsed() - in_runs:7.1f} s")
    return elapsed(), trained


def print_run_timings(instance, skip: set[str] = frozenset()) -> tuple[float, dict[str, float]]:
    """Each run's steps and wall times, oldest run first, except runs in `skip`. Returns the
    runs' summed seconds and each step's seconds."""
    in_runs, steps_s = 0.0, {}
    for run in reversed([run for run in instance.get_runs() if run.run_id not in skip]):
        stats = instance.get_run_stats(run.run_id)
        run_s = stats.end_time - stats.start_time
        in_runs += run_s
        steps = sorted(instance.get_run_step_stats(run.run_id), key=lambda s: s.start_time)
        print(f"  run {run.run_id[:8]}: {run_s:.1f} s")
        for step in steps:
            steps_s[step.step_key] = step.end_time - step.start_time
            print(f"    {step.step_key:45} {steps_s[step.step_key]:7.1f} s")
        outside = run_s - sum(step.end_time - step.start_time for step in steps)
        print(f"    {'(run outside its steps)':45} {outside:7.1f} s")
    return in_runs, steps_s


@contextmanager
def bookkeeping_timers():
    """Yields {what: [calls, seconds]} of Dagster's bookkeeping while the block runs: every
    event-log write (`DagsterInstance.handle_new_event`, planned and materialised partitions,
    steps, checks) and every per-partition metadata call (`add_asset_metadata`, whose check of
    the targeted partitions reads the dynamic partitions). Timers wrapped around the two
    methods (`mock.patch.object`, undone at the end); behaviour unchanged."""
    from unittest import mock

    from dagster import DagsterInstance
    from dagster._core.execution.context.system import StepExecutionContext

    spent = {"event-log writes": [0, 0.0], "per-partition metadata": [0, 0.0]}
    wrapped = [
        (DagsterInstance, "handle_new_event", spent["event-log writes"]),
        (StepExecutionContext, "add_asset_metadata", spent["per-partition metadata"]),
    ]
    with ExitStack() as patches:
        for owner, name, tally in wrapped:
            timer = _timed_method(getattr(owner, name), tally)
            patches.enter_context(mock.patch.object(owner, name, timer))
        yield spent


def _timed_method(method, tally: list):
    """`method` counting its calls and seconds into `tally` ([calls, seconds])."""

    def timed_method(*args, **kwargs):
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            tally[0] += 1
            tally[1] += time.perf_counter() - started

    return timed_method


def print_bookkeeping(spent: dict[str, list], total: float) -> None:
    """Dagster's bookkeeping time and what the pipeline took besides it."""
    for what, (calls, seconds) in spent.items():
        print(f"  Dagster {what}: {calls:,} calls, {seconds:.1f} s")
    besides = total - sum(seconds for _, seconds in spent.values())
    print(f"  pipeline besides that bookkeeping: {besides:.1f} s")


def print_store_sizes(home: Path) -> None:
    """Bytes per stored model (pickle alone and with its metadata) and the home's size."""
    store = home / "local_data" / "models"
    models = list(store.rglob("model.pkl"))
    pickles = sum(path.stat().st_size for path in models)
    stored = sum(path.stat().st_size for path in store.rglob("*") if path.is_file())
    count = max(len(models), 1)
    print(
        f"  model store: {len(models)} models, {pickles / count:,.0f} bytes per model pickle, "
        f"{stored / count:,.0f} bytes per model with metadata"
    )
    home_bytes = sum(path.stat().st_size for path in home.rglob("*") if path.is_file())
    print(f"  Dagster home on disk: {home_bytes / 2**20:,.1f} MiB")


def measure_bare_maths(
    rows: Path, peaks: dict[str, float], next_day_trained: list[str] | None = None
) -> tuple[float, float | None]:
    """Runs the maths serially on the stored rows; prints stages. Returns their seconds, and
    with `next_day_trained` (the warehouses the next morning trained) that morning's maths:
    the matrix, the drift features, those fits, every score."""
    import duckdb

    from snowpatrol_assets.assets.features import decomposed_with_drift
    from snowpatrol_assets.assets.models import fit_with_training_rate
    from snowpatrol_assets.detection import drifted_warehouses, score_usage
    from snowpatrol_assets.detection.methods import DEFAULT_METHOD
    from snowpatrol_assets.usage.daily_sql import DUCKDB, read_daily_matrix
    from snowpatrol_assets.usage.features import (
        classify_warehouses,
        warehouse_series,
        with_status,
    )

    timings = {}
    with phase_peak("bare maths", peaks):
        with timed() as stage, duckdb.connect(str(rows), read_only=True) as connection:
            matrix = read_daily_matrix(connection, METERING_TABLE, DUCKDB)
            status = classify_warehouses(matrix)
            matrix = with_status(matrix, status)
        timings["matrix"] = stage()
        active = set(status.active)
        with timed() as stage:
            drift = {
                key: decomposed_with_drift(credits)[1]
                for key, _, _, credits in warehouse_series(matrix, active)
            }
            drifted_warehouses(drift)
        timings["features"] = stage()
        with timed() as stage:
            models = {
                key: fit_with_training_rate(credits, DEFAULT_METHOD)[0]
                for key, _, _, credits in warehouse_series(matrix, active)
            }
        timings["models"] = stage()
        with timed() as stage:
            for key, _, _, credits in warehouse_series(matrix, active):
                score_usage(models[key], credits)
        timings["scores"] = stage()
    print(
        f"bare maths: {len(status.active)} active warehouses "
        f"({len(status.too_short)} too short to model, {len(status.dropped)} dropped)"
    )
    for name, seconds in timings.items():
        print(f"  {name:9} {seconds:7.1f} s")
    if next_day_trained is None:
        return sum(timings.values()), None
    with timed() as stage:
        for _, _, _, credits in warehouse_series(matrix, set(next_day_trained) & active):
            fit_with_training_rate(credits, DEFAULT_METHOD)
    next_day = timings["matrix"] + timings["features"] + stage() + timings["scores"]
    print(f"  next day: {len(next_day_trained)} fits {stage():.1f} s, {next_day:.1f} s in all")
    return sum(timings.values()), next_day


def fmt(seconds: float | None) -> str:
    return "NA" if seconds is None else f"{seconds:.1f}"


@contextmanager
def timed():
    """Yields a function that returns the seconds since the block started (frozen at its end)."""
    started, ended = time.perf_counter(), []
    yield lambda: (ended[0] if ended else time.perf_counter()) - started
    ended.append(time.perf_counter())


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
