"""Production model store on Weights & Biases: a W&B run per Dagster run, an artifact per model."""

import pickle
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from hashlib import sha1
from pathlib import Path

from pydantic import Field

from mlops_common.model_store import (
    ModelNotFoundError,
    ModelStore,
    ModelStoreError,
    ModelWriter,
    StoredModel,
)

NOT_FOUND = re.compile(r"not found|does not exist|no such", re.IGNORECASE)
"""How W&B words a missing artifact or project; any other error is an unreachable store."""


def artifact_name(name: str) -> str:
    """W&B artifact names allow letters, digits, '-', '_' and '.' and at most 128 characters;
    keep them unique (a hash of the name) and readable."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")[:100]
    return f"model-{readable}-{sha1(name.encode()).hexdigest()[:8]}"


class _WandbWriter(ModelWriter):
    def __init__(self, run, run_id: str):
        self._run = run
        self._run_id = run_id

    def save(self, name, model, metadata, files=None):
        import wandb

        artifact = wandb.Artifact(
            artifact_name(name), type="model", metadata={**metadata, "model_name": name}
        )
        with artifact.new_file("model.pkl", mode="wb") as handle:
            handle.write(pickle.dumps(model))
        for filename, content in (files or {}).items():
            with artifact.new_file(filename, mode="wb") as handle:
                handle.write(content)
        numeric = {k: v for k, v in metadata.items() if isinstance(v, int | float)}
        self._run.log({f"{artifact_name(name)}/{k}": v for k, v in numeric.items()})
        logged = self._run.log_artifact(
            artifact, aliases=["latest", f"dagster-run-{self._run_id[:8]}"]
        )
        if self._run.offline:  # offline artifacts get no version; wait() would raise
            return "offline"
        logged.wait()
        return logged.version


class WandbModelStore(ModelStore):
    """Models logged to a W&B project as artifacts tagged `latest`; scoring loads `latest`."""

    api_key: str = Field(description="W&B API key; pass EnvVar('WANDB_API_KEY').")
    project: str = Field(description="W&B project that holds the models.")
    entity: str | None = Field(default=None, description="W&B team or user owning the project.")
    host: str = Field(default="https://api.wandb.ai", description="W&B server URL.")
    mode: str = Field(default="online", description="'online', or 'offline' to log to disk only.")
    timeout: int = Field(default=30, description="Seconds one W&B API call may take.")

    @contextmanager
    def writer(self, run_id: str) -> Iterator[ModelWriter]:
        import wandb

        run = wandb.init(
            project=self.project,
            entity=self.entity,
            group=run_id,
            job_type="train",
            name=f"dagster-{run_id[:8]}",
            mode=self.mode,
            config={"dagster_run_id": run_id},
            settings=wandb.Settings(api_key=self.api_key, base_url=self.host, silent=True),
        )
        try:
            yield _WandbWriter(run, run_id)
        finally:
            run.finish()

    def load_latest(self, name: str) -> StoredModel:
        import wandb

        path = f"{self._project_path()}/{artifact_name(name)}:latest"
        try:
            api = wandb.Api(
                api_key=self.api_key, overrides={"base_url": self.host}, timeout=self.timeout
            )
            artifact = api.artifact(path, type="model")
        except Exception as error:  # 401, 5xx, timeouts are not "no model yet"
            if isinstance(error, wandb.errors.CommError) and NOT_FOUND.search(str(error)):
                raise ModelNotFoundError(f"no W&B model artifact {path} for {name!r}") from error
            raise ModelStoreError(
                f"W&B at {self.host} did not return the model {path} for {name!r} "
                f"({type(error).__name__}: {error})"
            ) from error
        try:
            with tempfile.TemporaryDirectory() as folder:
                data = (Path(artifact.download(root=folder)) / "model.pkl").read_bytes()
            model = pickle.loads(data)
        except Exception as error:
            raise ModelStoreError(
                f"the W&B model {path} for {name!r} cannot be read ({type(error).__name__}: "
                f"{error}); retrain it with force_retrain"
            ) from error
        return StoredModel(name, artifact.version, model, dict(artifact.metadata))

    def location(self, name: str) -> str:
        site = self.host.replace("//api.", "//")
        return f"{site}/{self._project_path()}/artifacts/model/{artifact_name(name)}"

    def _project_path(self) -> str:
        return f"{self.entity}/{self.project}" if self.entity else self.project
