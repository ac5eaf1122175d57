"""The cookie location: its graph, fast loading, and resources chosen by the environment."""

from dagster import AssetKey, DynamicPartitionsDefinition, StaticPartitionsDefinition

from cookie_assets.compute import SnowparkCompute, TrainingCompute, training_compute
from cookie_assets.contract import TARGETS
from cookie_assets.keys import ALL
from cookie_assets.landing import S3LandingZone, landing_zone
from cookie_assets.registry import SnowflakeRegistryModelStore, model_store, registry_model_name
from mlops_common.model_store import LocalModelStore


def test_graph_has_the_expected_assets_checks_and_sensors():
    from cookie_assets.definitions import defs

    graph = defs.resolve_asset_graph()
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
    sensors = {s.name for s in defs.sensors}
    assert {"cookie_landing_sensor", "cookie_retrain_sensor", "cookie_alert_delivery"} <= sensors
    assert graph.get(AssetKey(["cookie", "bake_plan"])).freshness_policy is not None


def test_local_defaults_need_no_account():
    assert isinstance(training_compute(), TrainingCompute)
    assert not isinstance(training_compute(), SnowparkCompute)
    assert isinstance(model_store(), LocalModelStore)


def test_production_resources_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DAGSTER_DEPLOYMENT", "prod")
    monkeypatch.setenv("COOKIE_SNOWPARK_WAREHOUSE", "SNOWPARK_WH")
    assert isinstance(landing_zone(), S3LandingZone)
    compute = training_compute()
    assert isinstance(compute, SnowparkCompute)
    assert compute.snowpark_warehouse == "COOKIE_SNOWPARK_WAREHOUSE"  # an EnvVar, read at run time
    assert isinstance(model_store(), SnowflakeRegistryModelStore)


def test_registry_model_names_are_ascii_and_distinct():
    names = {registry_model_name(f"champion/{target}") for target in TARGETS}
    assert "COOKIE_CHAMPION_LAECKERLI_BOXES" in names
    assert "COOKIE_CHAMPION_MANDELBAERLI_BOXES" in names
    assert len(names) == len(TARGETS) and all(name.isascii() for name in names)
