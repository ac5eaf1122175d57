"""How the production resources drive Snowpark and the Model Registry, against recording fakes.

Snowpark's local testing mode cannot run snowflake-ml (FACTS.md), so these fakes only pin down
our side of the calls: warehouse switching and suspension, model names, default versions.
"""

import sys
import types
from contextlib import contextmanager

import pytest

from cookie_assets.compute import SnowflakeConnected, SnowparkCompute
from cookie_assets.registry import SnowflakeRegistryModelStore
from mlops_common.model_store import ModelNotFoundError

CONNECTION = {
    "account": "acme",
    "user": "cookie",
    "password": "not-a-secret",
    "database": "MLOPS",
    "warehouse": "HUMANS",
    "role": "MLOPS",
}


class FakeSession:
    def __init__(self):
        self.calls = []

    def use_warehouse(self, name):
        self.calls.append(("use_warehouse", name))

    def sql(self, query, params=None):
        self.calls.append(("sql", query, params))
        return types.SimpleNamespace(collect=lambda: [])

    def create_dataframe(self, frame):
        self.calls.append(("create_dataframe", list(frame.columns)))
        return "snowpark-frame"


@pytest.fixture
def session(monkeypatch):
    fake = FakeSession()

    @contextmanager
    def snowpark_session(self):
        yield fake

    monkeypatch.setattr(SnowflakeConnected, "snowpark_session", snowpark_session)
    return fake


def test_snowpark_warehouse_is_used_then_switched_back_and_suspended(session):
    import pandas as pd

    compute = SnowparkCompute(**CONNECTION, snowpark_warehouse="SNOWPARK_WH")
    with pytest.raises(RuntimeError), compute.workspace() as workspace:
        assert workspace.identifier("Läckerli_boxes") == '"Läckerli_boxes"'
        assert workspace.to_dataset(pd.DataFrame({"a": [1]})) == "snowpark-frame"
        raise RuntimeError("a failing fit still suspends the warehouse")
    assert session.calls == [
        ("use_warehouse", "SNOWPARK_WH"),
        ("create_dataframe", ["a"]),
        ("use_warehouse", "HUMANS"),
        ("sql", "ALTER WAREHOUSE IDENTIFIER(?) SUSPEND", ["SNOWPARK_WH"]),
    ]


def test_without_a_snowpark_warehouse_nothing_is_switched(session):
    with SnowparkCompute(**CONNECTION).workspace():
        pass
    assert session.calls == []


class FakeRegistry:
    models: dict = {}

    def __init__(self, session, database_name, schema_name):
        self.location = (database_name, schema_name)

    def log_model(self, model, model_name, version_name, metrics):
        entry = self.models.setdefault(model_name, types.SimpleNamespace(versions={}, default=None))
        entry.versions[version_name] = (model, metrics)

    def get_model(self, model_name):
        if model_name not in self.models:
            raise ValueError(f"Unable to find model {model_name}")
        entry = self.models[model_name]
        registry = self

        class Model:
            @property
            def default(self):
                model, metrics = entry.versions[entry.default]
                return types.SimpleNamespace(
                    version_name=entry.default,
                    load=lambda force: model,
                    show_metrics=lambda: metrics,
                    location=registry.location,
                )

            @default.setter
            def default(self, version):
                entry.default = version

            def version(self, version_name):
                if version_name not in entry.versions:
                    raise ValueError(f"Unable to find version {version_name}")
                metrics = entry.versions[version_name][1]
                return types.SimpleNamespace(set_metric=metrics.__setitem__)

        return Model()


def test_registry_store_logs_ascii_names_and_sets_the_default_version(session, monkeypatch):
    FakeRegistry.models = {}
    monkeypatch.setitem(
        sys.modules, "snowflake.ml.registry", types.SimpleNamespace(Registry=FakeRegistry)
    )
    store = SnowflakeRegistryModelStore(**CONNECTION)
    with pytest.raises(ModelNotFoundError):
        store.load_latest("champion/Läckerli_boxes")
    with store.writer("0f3c-run-1") as writer:
        version = writer.save(
            "champion/Läckerli_boxes", "model-1", {"r2": 0.4, "family": "lasso_cv", "x": {}}
        )
    assert version == "RUN_0F3C_RUN_1"
    stored = FakeRegistry.models["COOKIE_CHAMPION_LAECKERLI_BOXES"]
    assert stored.versions[version] == ("model-1", {"r2": 0.4, "family": "lasso_cv"})
    with store.writer("0f3c-run-2") as writer:
        writer.save("champion/Läckerli_boxes", "model-2", {"r2": 0.5})
    latest = store.load_latest("champion/Läckerli_boxes")
    assert (latest.version, latest.model, latest.metadata) == (
        "RUN_0F3C_RUN_2",
        "model-2",
        {"r2": 0.5},
    )
    assert (
        store.location("champion/Läckerli_boxes") == "MLOPS.COOKIE.COOKIE_CHAMPION_LAECKERLI_BOXES"
    )


def test_registry_store_logs_realised_metrics_on_the_named_version(session, monkeypatch):
    FakeRegistry.models = {}
    monkeypatch.setitem(
        sys.modules, "snowflake.ml.registry", types.SimpleNamespace(Registry=FakeRegistry)
    )
    store = SnowflakeRegistryModelStore(**CONNECTION)
    with store.writer("run-1") as writer:
        first = writer.save("champion/Läckerli_boxes", "model-1", {"mae": 1.0})
    with store.writer("run-2") as writer:
        second = writer.save("champion/Läckerli_boxes", "model-2", {"mae": 2.0})
    store.log_metrics("champion/Läckerli_boxes", first, {"realised_mae": 1.5})
    versions = FakeRegistry.models["COOKIE_CHAMPION_LAECKERLI_BOXES"].versions
    assert versions[first] == ("model-1", {"mae": 1.0, "realised_mae": 1.5})
    assert versions[second] == ("model-2", {"mae": 2.0})
    with pytest.raises(ModelNotFoundError):
        store.log_metrics("champion/Läckerli_boxes", "RUN_UNKNOWN", {"realised_mae": 1.0})
    with pytest.raises(ModelNotFoundError):
        store.log_metrics("champion/Mandelbärli_boxes", first, {"realised_mae": 1.0})
