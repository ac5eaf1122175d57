"""Tables in a local DuckDB file (production: snowflake_tables.SnowflakeTablesIOManager)."""

from dagster import ConfigurableIOManagerFactory
from pydantic import Field

from mlops_common.column_names import ColumnNames


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
