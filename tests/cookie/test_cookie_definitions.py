"""The cookie location: its graph, fast loading, and resources chosen by the environment."""

from dagster import AssetKey, DynamicPartitionsDefinition, StaticPartitionsDefinition

from cookie_assets.compute import SnowparkCompute, TrainingCompute
from cookie_assets.contract import TARGETS
from cookie_assets.definitions import defs
from cookie_assets.keys import ALL
from cookie_assets.landing import LocalLandingZone, S3LandingZone
from cookie_assets.registry import SnowflakeRegistryModelStore, registry_model_name
from mlops_common.model_store import LocalModelStore

TABLES = ["trial_customers", "orders", "training_data", "candidate_models", "predictions"]


def test_graph_has_the_expected_assets_checks_and_sensors():
    graph = defs().resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == {
        f"cookie/{name}"
        for name in [
            "trial_customers",
            "orders",
            "training_data",
            "candidate_models",
            "champion_model",
            "new_customers",
            "predictions",
            "bake_plan",
            "realised_accuracy",
        ]
    }
    assert set(graph.get_all_asset_keys()) == set(ALL)  # keys.py names every asset
    customers = graph.get(AssetKey(["cookie", "trial_customers"]))
    assert isinstance(customers.partitions_def, DynamicPartitionsDefinition)
    champion = graph.get(AssetKey(["cookie", "champion_model"]))
    assert isinstance(champion.partitions_def, StaticPartitionsDefinition)
    assert champion.partitions_def.get_partition_keys() == TARGETS
    checks = {(k.asset_key.path[-1], k.name) for k in graph.asset_check_keys}
    assert ("champion_model", "champion_gate") in checks
    assert ("orders", "one_order_per_customer") in checks
    assert ("trial_customers", "known_categories") in checks
    assert {
        ("new_customers", "feature_drift"),
        ("predictions", "prediction_drift"),
        ("realised_accuracy", "realised_mae_within_cv"),
    } <= checks
    sensors = {s.name for s in defs().sensors}
    assert {"cookie_landing_sensor", "cookie_retrain_sensor", "cookie_alert_delivery"} <= sensors
    assert graph.get(AssetKey(["cookie", "bake_plan"])).freshness_policy is not None


def test_local_defaults_need_no_account(local_dagster_home):
    loaded = defs()
    resources = loaded.resources
    assert type(resources["compute"]) is TrainingCompute  # pandas in process, no Snowpark
    assert isinstance(resources["model_store"], LocalModelStore)
    assert isinstance(resources["landing"], LocalLandingZone)
    assert resources["landing"].root.startswith(str(local_dagster_home))
    graph = loaded.resolve_asset_graph()
    for name in TABLES:  # the UI shows where each table is stored
        assert {"pandas", "duckdb"} <= graph.get(AssetKey(["cookie", name])).kinds
    assert "snowpark" not in graph.get(AssetKey(["cookie", "champion_model"])).kinds


def test_production_resources_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DAGSTER_DEPLOYMENT", "prod")
    monkeypatch.setenv("COOKIE_SNOWPARK_WAREHOUSE", "SNOWPARK_WH")
    loaded = defs()
    resources = loaded.resources
    assert isinstance(resources["landing"], S3LandingZone)
    compute = resources["compute"]
    assert isinstance(compute, SnowparkCompute)
    assert compute.snowpark_warehouse == "COOKIE_SNOWPARK_WAREHOUSE"  # an EnvVar, read at run time
    assert isinstance(resources["model_store"], SnowflakeRegistryModelStore)
    graph = loaded.resolve_asset_graph()
    for name in TABLES:
        kinds = graph.get(AssetKey(["cookie", name])).kinds
        assert "snowflake" in kinds and "duckdb" not in kinds
    assert {"snowflake", "snowpark"} <= graph.get(AssetKey(["cookie", "champion_model"])).kinds


def test_registry_model_names_are_ascii_and_distinct():
    names = {registry_model_name(f"champion/{target}") for target in TARGETS}
    assert "COOKIE_CHAMPION_LAECKERLI_BOXES" in names
    assert "COOKIE_CHAMPION_MANDELBAERLI_BOXES" in names
    assert len(names) == len(TARGETS) and all(name.isascii() for name in names)
