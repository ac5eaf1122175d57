"""Pieces both locations' resource sets are built from: local folders and files under the
Dagster home, the production services' settings, and the kinds a deployment adds to assets.

Nothing here decides the deployment: each location's `resources.py` picks its local or its
production set, for the deployment its definitions root decided once.
"""

import os
from collections.abc import Mapping, Sequence

from dagster import (
    AssetChecksDefinition,
    AssetsDefinition,
    AssetSpec,
    EnvVar,
    map_asset_specs,
)

from mlops_common.alerting import LocalOutboxAlerts
from mlops_common.column_names import ColumnNames
from mlops_common.environment import local_data_dir
from mlops_common.model_store import LocalModelStore
from mlops_common.storage import LocalTableIOManager


def snowflake_connection_fields() -> dict:
    """Connection settings for Snowflake, all read from the environment at run time.

    Key-pair authentication is used when SNOWFLAKE_PRIVATE_KEY_PATH is set, a password otherwise.
    """
    fields = {
        "account": EnvVar("SNOWFLAKE_ACCOUNT"),
        "user": EnvVar("SNOWFLAKE_USER"),
        "database": EnvVar("SNOWFLAKE_DATABASE"),
        "warehouse": EnvVar("SNOWFLAKE_WAREHOUSE"),
        "role": EnvVar("SNOWFLAKE_ROLE"),
    }
    if os.environ.get("SNOWFLAKE_PRIVATE_KEY_PATH"):
        fields["private_key_path"] = EnvVar("SNOWFLAKE_PRIVATE_KEY_PATH")
    else:
        fields["password"] = EnvVar("SNOWFLAKE_PASSWORD")
    return fields


def local_table_database(schema: str) -> str:
    """The DuckDB file a location's tables are stored in locally."""
    database = local_data_dir() / f"{schema}_tables.duckdb"
    database.parent.mkdir(parents=True, exist_ok=True)
    return str(database)


def local_tables(schema: str, column_names: ColumnNames | None = None) -> LocalTableIOManager:
    """Tables of a location in its DuckDB file under the Dagster home, their columns read back
    spelled by `column_names` (default: upper-case)."""
    return LocalTableIOManager(
        database=local_table_database(schema),
        schema=schema,
        column_names=column_names or ColumnNames(),
    )


def snowflake_tables(schema: str, column_names: ColumnNames | None = None):
    """Tables of a location in its Snowflake schema (SNOWFLAKE_DATABASE), their columns read
    back spelled by `column_names` (default: upper-case)."""
    from mlops_common.snowflake_tables import SnowflakeTablesIOManager

    return SnowflakeTablesIOManager(
        schema=schema.upper(),
        column_names=column_names or ColumnNames(),
        **snowflake_connection_fields(),
    )


def local_model_store(location: str) -> LocalModelStore:
    """The local store for one code location, under $DAGSTER_HOME/local_data/models."""
    return LocalModelStore(root=str(local_data_dir() / "models" / location))


def local_outbox(location: str) -> LocalOutboxAlerts:
    """Alerts as files in $DAGSTER_HOME/local_data/outbox/<location>."""
    return LocalOutboxAlerts(outbox=str(local_data_dir() / "outbox" / location), **_ui_link())


def slack_channel():
    """Alerts posted to SLACK_CHANNEL with the bot token SLACK_BOT_TOKEN."""
    from mlops_common.slack_alerts import SlackAlerts

    return SlackAlerts(
        token=EnvVar("SLACK_BOT_TOKEN"), channel=EnvVar("SLACK_CHANNEL"), **_ui_link()
    )


def _ui_link() -> dict:
    """Alerts link to the Dagster UI when DAGSTER_UI_URL is set."""
    url = os.environ.get("DAGSTER_UI_URL")
    return {"ui_base_url": url} if url else {}


def with_added_kinds(
    assets: Sequence[AssetsDefinition], added: Mapping[str, set[str]]
) -> list[AssetsDefinition]:
    """The assets with the kinds their deployment stores them with: every asset of kind `k`
    also gets the kinds `added[k]` (e.g. `pandas` tables get `duckdb` locally, `snowflake` in
    production). Keys, checks, partitions and automation are unchanged."""

    def add(spec: AssetSpec) -> AssetSpec:
        extra = set().union(*(added.get(kind, set()) for kind in spec.kinds))
        return spec.merge_attributes(kinds=extra) if extra else spec

    checks = [a for a in assets if isinstance(a, AssetChecksDefinition)]  # they have no specs
    tables = [a for a in assets if not isinstance(a, AssetChecksDefinition)]
    return [*map_asset_specs(add, tables), *checks]
