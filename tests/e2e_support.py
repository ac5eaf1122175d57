"""Helpers for the end-to-end test: a prepared instance, `dagster dev`, and its GraphQL API."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
INGEST = ["warehouse_metering", "warehouse_daily_usage", "warehouse_usage_features"]
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


# Requests to 127.0.0.1 must not go through a proxy configured in the environment.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class GraphQLError(AssertionError):
    pass


def local_env(home: Path) -> dict[str, str]:
    """The environment for the project's processes: this instance, the local deployment."""
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    env.pop("DAGSTER_DEPLOYMENT", None)
    return env


def prepare_instance(workspace: Path, days: int) -> None:
    """Prepares $DAGSTER_HOME as a user who already ran ingestion and paused automation has it
    (in this process: the project's resources read DAGSTER_HOME when definitions load).

    Materialises the ingest assets over the last `days` usage days in one run, adds a warehouse
    partition for every warehouse the features can model, and stops every sensor and schedule
    of the workspace's code locations, so that only the test launches runs.
    """
    from dagster import AssetKey, DagsterInstance, materialize

    from snowpatrol_assets.definitions import ASSETS
    from snowpatrol_assets.partitions import usage_days, warehouses
    from snowpatrol_assets.resources import build_resources

    keys = usage_days.get_partition_keys()[-days:]
    with DagsterInstance.get() as instance:
        result = materialize(
            ASSETS,
            selection=INGEST,
            instance=instance,
            resources=build_resources(),
            tags={RANGE_START: keys[0], RANGE_END: keys[-1]},
        )
        if not result.success:
            raise RuntimeError(f"Materialising {INGEST} over {keys[0]}..{keys[-1]} failed")
        features = instance.get_latest_materialization_event(AssetKey("warehouse_usage_features"))
        active = features.asset_materialization.metadata["active_warehouses"].value
        instance.add_dynamic_partitions(warehouses.name, active)
        for location, module in workspace_modules(workspace).items():
            stop_instigators(instance, location, module)


def workspace_modules(workspace: Path) -> dict[str, str]:
    """Location name -> module of each `python_module` entry of a workspace file."""
    import yaml

    modules = {}
    for entry in yaml.safe_load(workspace.read_text())["load_from"]:
        target = entry["python_module"]
        modules[target["location_name"]] = target["module_name"]
    return modules


def stop_instigators(instance, location_name: str, module_name: str) -> None:
    """Stores every sensor and schedule of the location as stopped, as the UI's toggles do.

    The daemon of `dagster dev` ticks default-running sensors before the webserver answers, so
    stopping them through GraphQL would race with it. Sensor and schedule state is keyed by
    (location, repository, name), so a state stored here applies to `dagster dev`'s locations.
    """
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(
            executable_path=sys.executable, module_name=module_name, working_directory=str(REPO)
        ),
        location_name=location_name,
    )
    with origin.create_location(instance) as location:
        for repository in location.get_repositories().values():
            for sensor in repository.get_sensors():
                instance.stop_sensor(sensor.get_remote_origin_id(), sensor.selector_id, sensor)
            for schedule in repository.get_schedules():
                instance.stop_schedule(
                    schedule.get_remote_origin_id(), schedule.selector_id, schedule
                )


def wait_for(what: str, probe: Callable[[], object], timeout: float, interval: float = 0.5):
    """Calls `probe` until it returns something truthy, and returns that; fails after `timeout`
    seconds naming `what`. Exceptions from `probe` propagate (they are real failures)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class Stopwatch:
    """Prints the time since the start at each phase (pytest shows it when the test fails)."""

    def __init__(self):
        self.started = time.monotonic()

    def lap(self, phase: str) -> None:
        print(f"{time.monotonic() - self.started:6.1f} s  {phase}", flush=True)


class DagsterDev:
    """A `dagster dev` process group on 127.0.0.1 and a small client for its GraphQL API."""

    def __init__(self, workspace: Path, home: Path, log_path: Path, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [str(PYTHON), "-m", "dagster", "dev", "-w", str(workspace)]
            + ["-h", "127.0.0.1", "-p", str(self.port)],
            cwd=home,  # Dagster's CLI loads ./.env over the environment: never a developer's
            env=local_env(home),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        """Kills the whole process group (webserver, daemon, code servers, runs)."""
        if self.process.poll() is None:
            for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Children may outlive the leader; nothing of the group may survive the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def query(self, document: str, **variables) -> dict:
        """Posts a GraphQL document; returns `data`, failing on transport or GraphQL errors."""
        body = json.dumps({"query": document, "variables": variables}).encode()
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with DIRECT.open(request, timeout=60) as response:
                payload = json.load(response)
        except urllib.error.HTTPError as error:
            if error.code != 400:  # the webserver answers invalid documents with 400
                raise
            payload = json.load(error)
        if payload.get("errors"):
            raise GraphQLError(json.dumps(payload["errors"], indent=2))
        return payload["data"]

    def is_serving(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"dagster dev exited with code {self.process.returncode}")
        try:
            self.query("{ version }")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False
        return True


@contextlib.contextmanager
def dagster_dev(workspace: Path, home: Path, log_path: Path, port: int) -> Iterator[DagsterDev]:
    """Runs `dagster dev` on `port`; always stops it, printing the log tail if the body failed."""
    server = DagsterDev(workspace, home, log_path, port)
    try:
        yield server
    except BaseException:
        print(f"--- dagster dev log tail ({log_path}) ---\n{server.log_tail()}")
        raise
    finally:
        server.stop()
