"""Versioned model store: a folder under the Dagster home locally (production: wandb_store)."""

import json
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dagster import ConfigurableResource


class ModelNotFoundError(LookupError):
    """No model has been stored under this name yet."""


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

    @contextmanager
    def writer(self, run_id: str) -> Iterator[ModelWriter]:
        raise NotImplementedError
        yield

    def load_latest(self, name: str) -> StoredModel:
        raise NotImplementedError

    def location(self, name: str) -> str:
        """Where a user finds this model (a path or URL), for asset metadata."""
        raise NotImplementedError


class _LocalWriter(ModelWriter):
    def __init__(self, root: Path, run_id: str):
        self._root = root
        self._run_id = run_id

    def save(self, name, model, metadata, files=None):
        model_dir = self._root / quote(name, safe="")
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
        model_dir = Path(self.root) / quote(name, safe="")
        latest = model_dir / "LATEST"
        if not latest.exists():
            raise ModelNotFoundError(f"no model stored for {name!r} under {self.root}")
        version = latest.read_text().strip()
        version_dir = model_dir / version
        model = pickle.loads((version_dir / "model.pkl").read_bytes())
        metadata = json.loads((version_dir / "metadata.json").read_text())
        return StoredModel(name=name, version=version, model=model, metadata=metadata)

    def location(self, name: str) -> str:
        return str(Path(self.root) / quote(name, safe=""))


def local_model_store(location: str) -> LocalModelStore:
    """The local store for one code location, under $DAGSTER_HOME/local_data/models."""
    from mlops_common.environment import local_data_dir

    return LocalModelStore(root=str(local_data_dir() / "models" / location))
