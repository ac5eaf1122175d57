"""Fixtures of the Snowpatrol asset tests: a small simulated fleet in memory, a model store."""

import pytest

from mlops_common.model_store import LocalModelStore
from snowpatrol_assets.partitions import warehouses
from tests.snowpatrol.small_fleet import daily_usage, train, warehouse_instance


@pytest.fixture(scope="session")
def fleet_usage():
    """The small fleet's daily usage matrix (see small_fleet.py); copy it before changing it."""
    return daily_usage()


@pytest.fixture
def model_store(tmp_path) -> LocalModelStore:
    """An empty local model store of this test's own."""
    return LocalModelStore(root=str(tmp_path / "models"))


@pytest.fixture
def trained(fleet_usage, model_store):
    """(model store, models table) after every warehouse of the small fleet was trained."""
    instance = warehouse_instance(fleet_usage)
    keys = instance.get_dynamic_partitions(warehouses.name)
    _, models = train(instance, fleet_usage, model_store, keys[0], keys[-1])
    return model_store, models
