"""Where tables are stored: a DuckDB file locally, Snowflake in production."""

import os

from dagster import ConfigurableIOManagerFactory, EnvVar
from pydantic import Field

from mlops_common.column_names import ColumnNames
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


def table_io_manager(
    schema: str, column_names: ColumnNames | None = None
) -> ConfigurableIOManagerFactory:
    """Stores DataFrame assets as tables in `schema` (locally one DuckDB file per location),
    their columns read back spelled by `column_names` (default: upper-case)."""
    names = column_names or ColumnNames()
    if is_production():
        from mlops_common.snowflake_tables import SnowflakeTablesIOManager

        return SnowflakeTablesIOManager(
            schema=schema.upper(), column_names=names, **snowflake_connection_fields()
        )
    return LocalTableIOManager(
        database=local_table_database(schema), schema=schema, column_names=names
    )


def local_table_database(schema: str) -> str:
    """The DuckDB file a location's tables are stored in locally."""
    database = local_data_dir() / f"{schema}_tables.duckdb"
    database.parent.mkdir(parents=True, exist_ok=True)
    return str(database)


class LocalTableIOManager(ConfigurableIOManagerFactory):
    """Tables in a local DuckDB file, through dagster-duckdb-pandas, with partition replaces in
    one transaction (see duckdb_tables).

    DuckDB and pandas are imported when a run starts, not when the code location loads.
    """

    # The same fields as DuckDBPandasIOManager: its client reads them from the resource config.
    database: str = Field(description="Path to the DuckDB file.")
    connection_config: dict = Field(default={}, description="DuckDB connection options.")
    schema_: str = Field(alias="schema", description="Schema the tables are created in.")
    column_names: ColumnNames = Field(
        default_factory=ColumnNames,
        description="How the location spells its columns; names Snowflake could not give back "
        "so are refused here too.",
    )

    def create_io_manager(self, context):
        from mlops_common.duckdb_tables import transactional_duckdb_io_manager

        return transactional_duckdb_io_manager(self.database, self.schema_, self.column_names)


def table_kinds() -> set[str]:
    """Kind tags for table assets, so the UI shows where they are stored."""
    return {"pandas", "snowflake" if is_production() else "duckdb"}
