"""Where tables are stored: a DuckDB file locally, Snowflake in production."""

import os

from dagster import ConfigurableIOManagerFactory, EnvVar

from mlops_common.environment import is_production, local_data_dir


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


def table_io_manager(schema: str) -> ConfigurableIOManagerFactory:
    """Stores DataFrame assets as tables in `schema` (locally one DuckDB file per location)."""
    if is_production():
        from dagster_snowflake_pandas import SnowflakePandasIOManager

        return SnowflakePandasIOManager(schema=schema.upper(), **snowflake_connection_fields())
    from dagster_duckdb_pandas import DuckDBPandasIOManager

    database = local_data_dir() / f"{schema}_tables.duckdb"
    database.parent.mkdir(parents=True, exist_ok=True)
    return DuckDBPandasIOManager(database=str(database), schema=schema)


def table_kinds() -> set[str]:
    """Kind tags for table assets, so the UI shows where they are stored."""
    return {"pandas", "snowflake" if is_production() else "duckdb"}
