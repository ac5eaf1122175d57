"""Versioned model store: a folder under the Dagster home locally (production: wandb_store)."""

import json
import os
import pickle
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dagster import ConfigurableResource


class ModelNotFoundError(LookupError):
    """No model has been stored under this name yet."""


class ModelStoreError(RuntimeError):
    """The store is missing, unreachable, or holds a model that cannot be read: never the same
    as "no model yet", so it fails the run naming the model and where it was looked for."""


@dataclass(frozen=True)
class StoredModel:
    name: str
    version: str
    model: Any
    metadata: dict = field(default_factory=dict)


class ModelWriter:
    """Saves the models of one training run; `save` returns the new version."""

    def save(
        self, name: str, model: Any, metadata: dict, files: dict[str, bytes] | None = None
    ) -> str:
        raise NotImplementedError


class ModelStore(ConfigurableResource):
    """Where trained models are kept, versioned, with the newest one tagged `latest`."""

    def writer(self, run_id: str) -> AbstractContextManager[ModelWriter]:
        """A writer for the models of one training run."""
        raise NotImplementedError

    def load_latest(self, name: str) -> StoredModel:
        """The newest model stored under `name`. ModelNotFoundError when none was ever stored;
        ModelStoreError when the store is missing, unreachable, or the model is unreadable."""
        raise NotImplementedError

    def location(self, name: str) -> str:
        """Where a user finds this model (a path or URL), for asset metadata."""
        raise NotImplementedError

    def log_metrics(self, name: str, version: str, metrics: dict[str, float]) -> None:
        """Adds figures measured after training (e.g. accuracy on customers who have since
        ordered) to a stored version, replacing earlier values of the same metrics.
        ModelNotFoundError when that version is not stored."""
        raise NotImplementedError


class _LocalWriter(ModelWriter):
    def __init__(self, root: Path, run_id: str):
        self._root = root
        self._run_id = run_id

    def save(self, name, model, metadata, files=None):
        model_dir = self._root / folder_name(name)
        model_dir.mkdir(parents=True, exist_ok=True)
        version = f"v{_latest_number(model_dir) + 1}"
        version_dir = model_dir / version
        version_dir.mkdir()
        (version_dir / "model.pkl").write_bytes(pickle.dumps(model))
        record = {**metadata, "dagster_run_id": self._run_id}
        (version_dir / "metadata.json").write_text(json.dumps(record, indent=2, default=str))
        for filename, content in (files or {}).items():
            (version_dir / filename).write_bytes(content)
        _write_atomically(model_dir / "LATEST", version)
        return version


def _latest_number(model_dir: Path) -> int:
    numbers = [int(p.name[1:]) for p in model_dir.glob("v*") if p.name[1:].isdigit()]
    return max(numbers, default=0)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class LocalModelStore(ModelStore):
    """Models as pickles in numbered version folders; a LATEST file points at the newest."""

    root: str

    @contextmanager
    def writer(self, run_id: str) -> Iterator[ModelWriter]:
        yield _LocalWriter(Path(self.root), run_id)

    def load_latest(self, name: str) -> StoredModel:
        model_dir = Path(self.root) / folder_name(name)
        latest = model_dir / "LATEST"
        if not latest.exists():
            raise ModelNotFoundError(f"no model stored for {name!r} under {model_dir}")
        version_dir = model_dir / latest.read_text().strip()
        try:
            model = pickle.loads((version_dir / "model.pkl").read_bytes())
            metadata = json.loads((version_dir / "metadata.json").read_text())
        except Exception as error:  # truncated, corrupt or missing files: never "no model"
            raise ModelStoreError(
                f"the model {name!r} at {version_dir} cannot be read ({type(error).__name__}: "
                f"{error}); restore the files or retrain it with force_retrain."
            ) from error
        return StoredModel(name=name, version=version_dir.name, model=model, metadata=metadata)

    def location(self, name: str) -> str:
        return str(Path(self.root) / folder_name(name))

    def log_metrics(self, name: str, version: str, metrics: dict[str, float]) -> None:
        """Merges the metrics into the version folder's metadata.json."""
        record = Path(self.root) / folder_name(name) / folder_name(version) / "metadata.json"
        if not record.exists():
            raise ModelNotFoundError(f"no version {version!r} of {name!r} at {record.parent}")
        metadata = json.loads(record.read_text())
        _write_atomically(record, json.dumps({**metadata, **metrics}, indent=2, default=str))


MAX_NAME_LENGTH = 200


def folder_name(name: str) -> str:
    """The folder a model name is stored in: percent-encoded, so any name is one safe path
    component. Names are built from safe keys; an overlong one is refused, not truncated."""
    encoded = quote(name, safe="")
    if len(encoded) > MAX_NAME_LENGTH:
        raise ValueError(f"model name {name!r} is too long for a folder name; use a safe key")
    return encoded
