"""Cookie models in the Snowflake Model Registry (production; locally: the folder store)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cookie_assets.compute import SnowflakeConnected
from cookie_assets.contract import to_ascii
from mlops_common.model_store import (
    ModelNotFoundError,
    ModelStore,
    ModelWriter,
    StoredModel,
)


def registry_model_name(name: str) -> str:
    """An ASCII Snowflake identifier for a store name: `champion/Läckerli_boxes` →
    `COOKIE_CHAMPION_LAECKERLI_BOXES` (umlauts spelled out, see contract.to_ascii)."""
    return "COOKIE_" + re.sub(r"[^A-Za-z0-9]+", "_", to_ascii(name)).strip("_").upper()


class _RegistryWriter(ModelWriter):
    def __init__(self, registry: Any, run_id: str):
        self._registry = registry
        self._version = "RUN_" + re.sub(r"[^A-Za-z0-9]", "_", run_id).upper()

    def save(self, name, model, metadata, files=None):
        model_name = registry_model_name(name)
        numeric = {k: v for k, v in metadata.items() if isinstance(v, int | float | str)}
        self._registry.log_model(
            model, model_name=model_name, version_name=self._version, metrics=numeric
        )
        self._registry.get_model(model_name).default = self._version
        return self._version


class SnowflakeRegistryModelStore(ModelStore, SnowflakeConnected):
    """Snowflake Model Registry: each saved model becomes the default version of its name."""

    @contextmanager
    def _registry(self) -> Iterator[Any]:
        from snowflake.ml.registry import Registry

        with self.snowpark_session() as session:
            yield Registry(
                session=session, database_name=self.database, schema_name=self.schema_name
            )

    @contextmanager
    def writer(self, run_id: str) -> Iterator[ModelWriter]:
        with self._registry() as registry:
            yield _RegistryWriter(registry, run_id)

    def load_latest(self, name: str) -> StoredModel:
        with self._registry() as registry:
            model_name = registry_model_name(name)
            try:
                version = registry.get_model(model_name).default
            except ValueError as error:  # snowflake-ml: "Unable to find model …"
                raise ModelNotFoundError(f"no model {model_name} in the registry") from error
            return StoredModel(
                name, version.version_name, version.load(force=True), version.show_metrics()
            )

    def log_metrics(self, name: str, version: str, metrics: dict[str, float]) -> None:
        """Sets each metric on the registry's model version (shown with its other metrics)."""
        with self._registry() as registry:
            model_name = registry_model_name(name)
            try:
                model_version = registry.get_model(model_name).version(version)
            except ValueError as error:  # snowflake-ml: unknown model or version
                raise ModelNotFoundError(f"no version {version} of {model_name}") from error
            for metric, value in metrics.items():
                model_version.set_metric(metric, value)

    def location(self, name: str) -> str:
        return f"{self.database}.{self.schema_name}.{registry_model_name(name)}"
