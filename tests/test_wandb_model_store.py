"""The W&B model store (production) in W&B's offline mode: nothing reaches the network."""

import json
import pickle
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture
def wandb_offline(tmp_path, monkeypatch):
    dirs = {}
    for variable in ["WANDB_DIR", "WANDB_DATA_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR"]:
        dirs[variable] = tmp_path / variable.lower()
        dirs[variable].mkdir()
        monkeypatch.setenv(variable, str(dirs[variable]))
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    return dirs


def _offline_records(run_file: Path) -> list:
    from wandb.proto import wandb_internal_pb2
    from wandb.sdk.internal import datastore

    store = datastore.DataStore()
    store.open_for_scan(str(run_file))
    records = []
    while (data := store.scan_data()) is not None:
        record = wandb_internal_pb2.Record()
        record.ParseFromString(data)
        records.append(record)
    return records


def test_wandb_offline_logs_the_model_artifact(wandb_offline):
    from sklearn.ensemble import IsolationForest

    from mlops_common.wandb_store import WandbModelStore, artifact_name

    features = np.random.default_rng(7).normal(size=(64, 3))
    model = IsolationForest(n_estimators=10, random_state=0).fit(features)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    store = WandbModelStore(
        api_key="x" * 40,
        project="snowpatrol-test",
        mode="offline",
        host="http://127.0.0.1:9",  # anything that tried the network would fail locally
    )

    with store.writer("run-1234abcd") as writer:
        version = writer.save(
            "ACME_PROD/MARKETING BI 'EU'",
            model,
            {"anomaly_threshold": 0.62, "training_days": 365, "method": "isolation_forest"},
            files={"scores.png": png},
        )

    assert version == "offline"
    [run_dir] = (wandb_offline["WANDB_DIR"] / "wandb").glob("offline-run-*")
    [run_file] = run_dir.glob("run-*.wandb")
    records = _offline_records(run_file)
    [run] = [r.run for r in records if r.WhichOneof("record_type") == "run"]
    assert run.project == "snowpatrol-test" and run.run_group == "run-1234abcd"

    [artifact] = [r.artifact for r in records if r.WhichOneof("record_type") == "artifact"]
    name = artifact_name("ACME_PROD/MARKETING BI 'EU'")
    assert artifact.name == name and artifact.type == "model"
    assert "latest" in artifact.aliases
    metadata = json.loads(artifact.metadata)
    assert metadata["anomaly_threshold"] == 0.62
    assert metadata["model_name"] == "ACME_PROD/MARKETING BI 'EU'"
    files = {entry.path: entry for entry in artifact.manifest.contents}
    assert set(files) == {"model.pkl", "scores.png"}
    assert Path(files["scores.png"].local_path).read_bytes() == png
    staged = pickle.loads(Path(files["model.pkl"].local_path).read_bytes())
    np.testing.assert_array_equal(staged.predict(features), model.predict(features))

    history = [r.history for r in records if r.WhichOneof("record_type") == "history"]
    logged = {item.nested_key[0]: json.loads(item.value_json) for h in history for item in h.item}
    assert logged[f"{name}/anomaly_threshold"] == 0.62
    assert logged[f"{name}/training_days"] == 365
