"""End to end, as a user works: `dagster dev`, then a backfill of warehouse models via GraphQL.

The instance starts with the ingest assets materialised over recent usage days and the warehouse
partitions added (as after ingestion), and with every sensor and schedule stopped, so the only
runs are the backfill's. The backfill trains several warehouses' models and must do so in one
run (BackfillPolicy.single_run) that records the `training_anomaly_rate` check.
"""

import shutil
from pathlib import Path

import pytest
from e2e_support import REPO, DagsterDev, Stopwatch, dagster_dev, prepare_instance, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WORKSPACE = REPO / "workspace.yaml"
LOCATIONS = {"snowpatrol", "cookie"}
USAGE_DAYS = 60
MODELS = "warehouse_anomaly_models"
CHECK = "training_anomaly_rate"
# Adjacent in the partition order (a single-run backfill covers one range); 107 is the
# warehouse named `MARKETING BI 'EU'`.
WAREHOUSES = [f"ACME_PROD/{warehouse_id}" for warehouse_id in range(103, 108)]
LOAD_TIMEOUT = 150
BACKFILL_TIMEOUT = 240  # the daemon looks at backfills every ~30 s

WORKSPACE_QUERY = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message stack } }
      }
    }
    ... on PythonError { message }
  }
}
"""

INSTIGATORS_QUERY = """
query {
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        location { name }
        sensors { name sensorState { status } }
        schedules { name scheduleState { status } }
      }
    }
  }
}
"""

PARTITION_KEYS_QUERY = """
query ($assetKey: AssetKeyInput!) {
  assetNodeOrError(assetKey: $assetKey) { ... on AssetNode { partitionKeys } }
}
"""

LAUNCH_BACKFILL_MUTATION = """
mutation ($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
    ... on PythonError { stack }
  }
}
"""

BACKFILL_QUERY = """
query ($backfillId: String!) {
  partitionBackfillOrError(backfillId: $backfillId) {
    __typename
    ... on PartitionBackfill { status error { message stack } }
    ... on Error { message }
  }
}
"""

RUNS_QUERY = """
query ($filter: RunsFilter!) {
  runsOrError(filter: $filter) {
    ... on Runs { results { runId status tags { key value } } }
    ... on Error { message }
  }
}
"""

MATERIALIZATIONS_QUERY = """
query ($assetKey: AssetKeyInput!, $partitions: [String!]) {
  assetOrError(assetKey: $assetKey) {
    ... on Asset { assetMaterializations(partitions: $partitions) { partition runId } }
  }
}
"""

CHECK_EXECUTIONS_QUERY = """
query ($assetKey: AssetKeyInput!, $checkName: String!) {
  assetCheckExecutions(assetKey: $assetKey, checkName: $checkName, limit: 10) {
    runId
    status
    evaluation {
      success
      metadataEntries { label ... on IntMetadataEntry { intValue } }
    }
  }
}
"""

SUCCEEDED_BACKFILL = {"COMPLETED", "COMPLETED_SUCCESS"}
FAILED_BACKFILL = {"FAILED", "FAILING", "COMPLETED_FAILED", "CANCELED", "CANCELING"}


@pytest.fixture
def dagster_home(tmp_path: Path) -> Path:
    home = tmp_path / "e2e_dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster_instance" / "dagster.yaml", home / "dagster.yaml")
    return home


def test_backfill_trains_several_warehouses_in_one_run(
    tmp_path: Path, dagster_home: Path, free_port: int, monkeypatch
):
    clock = Stopwatch()
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    prepare_instance(WORKSPACE, USAGE_DAYS)
    clock.lap("instance prepared")
    with dagster_dev(WORKSPACE, dagster_home, tmp_path / "dagster_dev.log", free_port) as dev:
        wait_for("the webserver", dev.is_serving, LOAD_TIMEOUT)
        wait_for(f"code locations {sorted(LOCATIONS)}", lambda: locations_loaded(dev), LOAD_TIMEOUT)
        clock.lap("code locations loaded")
        assert running_instigators(dev) == []
        assert_adjacent_partitions(dev, WAREHOUSES)

        backfill_id = launch_backfill(dev, WAREHOUSES)
        finished = lambda: finished_backfill(dev, backfill_id)  # noqa: E731
        assert wait_for("the backfill", finished, BACKFILL_TIMEOUT, interval=1)
        clock.lap(f"backfill {backfill_id} completed")

        runs = backfill_runs(dev, backfill_id)
        assert len(runs) == 1, f"expected one run, got {[r['runId'] for r in runs]}"
        run = runs[0]
        assert run["status"] == "SUCCESS"
        assert materialized_partitions(dev, run["runId"]) == set(WAREHOUSES)
        evaluation = check_evaluation(dev, run["runId"])
        assert evaluation["metadata"]["models_trained"] == len(WAREHOUSES)


def locations_loaded(dev: DagsterDev) -> bool:
    """True once every expected location is loaded; fails at once on a location's load error."""
    workspace = dev.query(WORKSPACE_QUERY)["workspaceOrError"]
    assert workspace["__typename"] == "Workspace", workspace
    entries = {e["name"]: e for e in workspace["locationEntries"]}
    assert set(entries) >= LOCATIONS, f"workspace has locations {sorted(entries)}"
    for name in LOCATIONS:
        loaded = entries[name]["locationOrLoadError"] or {}
        if loaded.get("__typename") == "PythonError":
            stack = "".join(loaded["stack"])
            pytest.fail(f"Code location {name!r} failed to load: {loaded['message']}\n{stack}")
    return all(entries[name]["loadStatus"] == "LOADED" for name in LOCATIONS)


def running_instigators(dev: DagsterDev) -> list[str]:
    """Sensors and schedules the daemon would tick (the preparation stopped them all)."""
    running = []
    for repository in dev.query(INSTIGATORS_QUERY)["repositoriesOrError"]["nodes"]:
        location = repository["location"]["name"]
        running += [
            f"{location}:{s['name']}"
            for s in repository["sensors"]
            if s["sensorState"]["status"] == "RUNNING"
        ]
        running += [
            f"{location}:{s['name']}"
            for s in repository["schedules"]
            if s["scheduleState"]["status"] == "RUNNING"
        ]
    return running


def assert_adjacent_partitions(dev: DagsterDev, keys: list[str]) -> None:
    data = dev.query(PARTITION_KEYS_QUERY, assetKey={"path": [MODELS]})
    known = data["assetNodeOrError"]["partitionKeys"]
    assert set(keys) <= set(known), f"missing warehouse partitions: {set(keys) - set(known)}"
    start = known.index(keys[0])
    assert known[start : start + len(keys)] == keys, "warehouses are not adjacent partitions"


def launch_backfill(dev: DagsterDev, partitions: list[str]) -> str:
    params = {
        "partitionNames": partitions,
        "assetSelection": [{"path": [MODELS]}],
        "fromFailure": False,
    }
    result = dev.query(LAUNCH_BACKFILL_MUTATION, params=params)["launchPartitionBackfill"]
    assert result["__typename"] == "LaunchBackfillSuccess", result
    return result["backfillId"]


def finished_backfill(dev: DagsterDev, backfill_id: str) -> str | None:
    """The backfill's final status once it has one; fails if the backfill failed."""
    backfill = dev.query(BACKFILL_QUERY, backfillId=backfill_id)["partitionBackfillOrError"]
    assert backfill["__typename"] == "PartitionBackfill", backfill
    if backfill["status"] in FAILED_BACKFILL:
        runs = [(r["runId"], r["status"]) for r in backfill_runs(dev, backfill_id)]
        pytest.fail(f"Backfill ended {backfill['status']}: {backfill['error']}; runs {runs}")
    return backfill["status"] if backfill["status"] in SUCCEEDED_BACKFILL else None


def backfill_runs(dev: DagsterDev, backfill_id: str) -> list[dict]:
    run_filter = {"tags": [{"key": "dagster/backfill", "value": backfill_id}]}
    return dev.query(RUNS_QUERY, filter=run_filter)["runsOrError"]["results"]


def materialized_partitions(dev: DagsterDev, run_id: str) -> set[str]:
    """Partitions of the models asset that `run_id` materialised."""
    data = dev.query(MATERIALIZATIONS_QUERY, assetKey={"path": [MODELS]}, partitions=WAREHOUSES)
    events = data["assetOrError"]["assetMaterializations"]
    return {e["partition"] for e in events if e["runId"] == run_id}


def check_evaluation(dev: DagsterDev, run_id: str) -> dict:
    """The evaluation of the training anomaly-rate check recorded by `run_id`, with its
    integer metadata."""
    data = dev.query(CHECK_EXECUTIONS_QUERY, assetKey={"path": [MODELS]}, checkName=CHECK)
    executions = [e for e in data["assetCheckExecutions"] if e["runId"] == run_id]
    assert len(executions) == 1, f"{CHECK} executions of run {run_id}: {executions}"
    evaluation = executions[0]["evaluation"]
    assert evaluation is not None, f"{CHECK} did not complete: {executions[0]['status']}"
    metadata = {m["label"]: m.get("intValue") for m in evaluation["metadataEntries"]}
    return {"passed": evaluation["success"], "metadata": metadata}
