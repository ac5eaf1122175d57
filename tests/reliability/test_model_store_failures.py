"""Loud failures: a missing, unreadable or unreachable model fails the run naming the warehouse
and where its model was looked for; only "never stored" means "no model yet"."""

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from dagster import DagsterInstance

from mlops_common.environment import local_data_dir
from mlops_common.model_store import ModelNotFoundError, ModelStoreError
from mlops_common.wandb_store import WandbModelStore
from snowpatrol_assets.resources import build_resources
from tests.local_tables import local_count
from tests.reliability.snowpatrol_graph import SCORING, build_graph, run


def step_error(result) -> str:
    [failure] = [e for e in result.all_events if e.is_step_failure]
    data = failure.step_failure_data
    if data.user_failure_data and data.user_failure_data.description:
        return data.user_failure_data.description
    messages, error = [], data.error
    while error is not None:
        messages.append(error.message)
        error = error.cause
    return "\n".join(messages)


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """A scored local graph: (home, instance)."""
    home = tmp_path_factory.mktemp("store_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        patch.delenv("DAGSTER_DEPLOYMENT", raising=False)
        instance = DagsterInstance.ephemeral()
        build_graph(instance, build_resources())
        run(instance, SCORING, build_resources())
    return home, instance


@pytest.fixture
def graph(scored, monkeypatch, tmp_path):
    """The scored graph copied into this test's own Dagster home (tests may break it)."""
    home = tmp_path / "home"
    shutil.copytree(scored[0], home)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return scored[1]


def test_a_deleted_model_folder_fails_scoring_and_keeps_the_scores(graph):
    before = local_count("snowpatrol", "warehouse_anomaly_scores")
    shutil.rmtree(local_data_dir() / "models")
    result = run(graph, ["warehouse_anomaly_scores"], build_resources(), raise_on_error=False)
    assert not result.success
    message = step_error(result)
    assert "ACME_DEV/201" in message and str(local_data_dir() / "models") in message
    assert local_count("snowpatrol", "warehouse_anomaly_scores") == before > 500


def test_a_truncated_model_fails_scoring_naming_the_warehouse_and_file(graph):
    before = local_count("snowpatrol", "warehouse_anomaly_scores")
    [pickle_file] = (local_data_dir() / "models" / "snowpatrol" / "ACME_PROD%2F105").glob(
        "v*/model.pkl"
    )
    pickle_file.write_bytes(pickle_file.read_bytes()[:100])
    result = run(graph, ["warehouse_anomaly_scores"], build_resources(), raise_on_error=False)
    assert not result.success
    message = step_error(result)
    assert "ACME_PROD/105" in message and str(pickle_file.parent) in message
    assert "truncated" in message or "UnpicklingError" in message
    assert local_count("snowpatrol", "warehouse_anomaly_scores") == before


def test_a_never_trained_model_is_not_found_and_not_an_error(tmp_path):
    store = build_resources()["model_store"]
    with pytest.raises(ModelNotFoundError):
        store.load_latest("ACME_PROD/999")


@pytest.fixture
def failing_wandb(no_proxy):
    """A local HTTP server in W&B's place that answers every call with one status."""
    status = {"code": 500}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            payload = json.dumps({"errors": [{"message": "server error"}]}).encode()
            self.send_response(status["code"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", status
    finally:
        server.shutdown()
        import wandb

        wandb.teardown()  # the SDK keeps process-wide settings; later W&B tests start clean


@pytest.mark.parametrize("code", [401, 500])
def test_a_wandb_error_is_a_store_error_not_no_model_yet(failing_wandb, code):
    host, status = failing_wandb
    status["code"] = code
    store = WandbModelStore(api_key="x" * 40, project="snowpatrol", host=host, timeout=3)
    with pytest.raises(ModelStoreError, match=f"W&B at {host} did not return the model"):
        store.load_latest("ACME_PROD/101")
