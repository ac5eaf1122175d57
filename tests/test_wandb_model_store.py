"""The W&B model store (production) in W&B's offline mode: nothing reaches the network."""

import pickle
from dataclasses import dataclass, field
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


@dataclass
class SeenRun:
    """A W&B run as the public SDK shows it: the Run, its summary when it finished, and each
    artifact it logged with the aliases it was logged under."""

    run: object
    summary: dict = field(default_factory=dict)
    artifacts: list = field(default_factory=list)


@pytest.fixture
def wandb_runs(wandb_offline, monkeypatch) -> list[SeenRun]:
    """Every run `wandb.init` starts during the test (offline), observed through public API."""
    import wandb

    seen, start = [], wandb.init

    def init(*args, **kwargs):
        run = start(*args, **kwargs)
        record = SeenRun(run)
        log_artifact, finish = run.log_artifact, run.finish

        def logging_artifact(artifact, *rest, aliases=None, **options):
            record.artifacts.append((artifact, list(aliases or [])))
            return log_artifact(artifact, *rest, aliases=aliases, **options)

        def finishing(*rest, **options):
            record.summary = dict(run.summary)
            return finish(*rest, **options)

        run.log_artifact, run.finish = logging_artifact, finishing
        seen.append(record)
        return run

    monkeypatch.setattr(wandb, "init", init)
    return seen


def test_wandb_offline_logs_the_model_artifact(wandb_offline, wandb_runs):
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
    [seen] = wandb_runs
    assert seen.run.offline and seen.run.project == "snowpatrol-test"
    assert seen.run.group == "run-1234abcd" and seen.run.config["dagster_run_id"] == "run-1234abcd"
    assert list((wandb_offline["WANDB_DIR"] / "wandb").glob("offline-run-*/run-*.wandb"))

    [(artifact, aliases)] = seen.artifacts
    name = artifact_name("ACME_PROD/MARKETING BI 'EU'")
    assert artifact.name == name and artifact.type == "model"
    assert "latest" in aliases
    assert artifact.metadata["anomaly_threshold"] == 0.62
    assert artifact.metadata["model_name"] == "ACME_PROD/MARKETING BI 'EU'"
    files = artifact.manifest.entries
    assert set(files) == {"model.pkl", "scores.png"}
    assert Path(files["scores.png"].local_path).read_bytes() == png
    staged = pickle.loads(Path(files["model.pkl"].local_path).read_bytes())
    np.testing.assert_array_equal(staged.predict(features), model.predict(features))

    assert seen.summary[f"{name}/anomaly_threshold"] == 0.62
    assert seen.summary[f"{name}/training_days"] == 365
