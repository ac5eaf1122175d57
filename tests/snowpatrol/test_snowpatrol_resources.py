"""Snowpatrol's resources chosen from DAGSTER_DEPLOYMENT by the definitions root: embedded
services locally, Snowflake, W&B and Slack in production, secrets only as environment-variable
references."""

from pathlib import Path

import pytest
from dagster import AssetKey, EnvVar
from dagster_snowflake import SnowflakeResource

from mlops_common.alerting import LocalOutboxAlerts
from mlops_common.slack_alerts import SlackAlerts
from snowpatrol_assets.sources import SimulatedAccountSource, SnowflakeUsageSource

SECRETS = {
    "SNOWFLAKE_PASSWORD": "sf-dummy-password-123",
    "WANDB_API_KEY": "wandb-dummy-key-" + "k" * 24,
    "SLACK_BOT_TOKEN": "xoxb-dummy-slack-token",
}


def test_local_deployment_uses_embedded_services(local_dagster_home):
    from mlops_common.model_store import ModelStore
    from snowpatrol_assets.definitions import defs

    loaded = defs()
    resources = loaded.resources

    database = Path(resources["io_manager"].database)  # a DuckDB file in the Dagster home
    assert database.name == "snowpatrol_tables.duckdb"
    assert database.is_relative_to(local_dagster_home)
    assert isinstance(resources["usage_source"], SimulatedAccountSource)
    assert isinstance(resources["alerts"], LocalOutboxAlerts)
    assert isinstance(resources["model_store"], ModelStore)
    assert type(resources["model_store"]).__name__ != "WandbModelStore"
    assert "duckdb" in loaded.resolve_asset_graph().get(AssetKey("warehouse_daily_usage")).kinds


def test_prod_deployment_uses_snowflake_wandb_and_slack_without_inlining_secrets(monkeypatch):
    from mlops_common.snowflake_tables import SnowflakeTablesIOManager
    from mlops_common.wandb_store import WandbModelStore
    from snowpatrol_assets.definitions import defs

    monkeypatch.setenv("DAGSTER_DEPLOYMENT", "prod")
    for variable, value in {
        **SECRETS,
        "SNOWFLAKE_ACCOUNT": "acme-prod",
        "SNOWFLAKE_USER": "snowpatrol",
        "SNOWFLAKE_DATABASE": "ANALYTICS",
        "SNOWFLAKE_WAREHOUSE": "SNOWPATROL_WH",
        "SNOWFLAKE_ROLE": "SNOWPATROL",
        "SLACK_CHANNEL": "#snowflake-alerts",
    }.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("SNOWFLAKE_PRIVATE_KEY_PATH", raising=False)

    loaded = defs()
    resources = loaded.resources

    io_manager, usage = resources["io_manager"], resources["usage_source"]
    store, alerts = resources["model_store"], resources["alerts"]
    assert isinstance(io_manager, SnowflakeTablesIOManager)
    assert isinstance(usage, SnowflakeUsageSource)
    assert isinstance(usage.snowflake, SnowflakeResource)
    assert usage.usage_schema == "ORGANIZATION_USAGE"
    assert isinstance(store, WandbModelStore)
    assert isinstance(alerts, SlackAlerts)

    secret_fields = [
        (io_manager.password, "SNOWFLAKE_PASSWORD"),
        (usage.snowflake.password, "SNOWFLAKE_PASSWORD"),
        (store.api_key, "WANDB_API_KEY"),
        (alerts.token, "SLACK_BOT_TOKEN"),
    ]
    for value, variable in secret_fields:
        assert isinstance(value, EnvVar) and value.env_var_name == variable
    shown = " ".join(repr(r) + str(r) for r in resources.values())
    for secret in SECRETS.values():
        assert secret not in shown
    kinds = loaded.resolve_asset_graph().get(AssetKey("warehouse_daily_usage")).kinds
    assert "snowflake" in kinds and "duckdb" not in kinds


def test_unknown_deployment_is_refused(monkeypatch):
    from snowpatrol_assets.definitions import defs

    monkeypatch.setenv("DAGSTER_DEPLOYMENT", "staging")
    with pytest.raises(ValueError, match="DAGSTER_DEPLOYMENT='staging'.*local, prod"):
        defs()
