"""The stored metering read where it lives: the database builds the daily matrix, so Python
only ever sees daily series, never the hourly rows (175 million for 10,000 warehouses over two
years). DuckDB locally, Snowflake in production, one query (usage/daily_sql.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dagster import ConfigurableResource
from pydantic import Field

from mlops_common.safe_names import plain_identifier

if TYPE_CHECKING:
    import pandas as pd

METERING_TABLE = "WAREHOUSE_METERING"
METERED_DAYS_SQL = "SELECT DISTINCT CAST(START_TIME AS DATE) AS USAGE_DAY FROM {table}"


class UsageTables(ConfigurableResource):
    """Where `warehouse_metering` is stored, and the two questions asked of it."""

    def daily_matrix(self) -> pd.DataFrame:
        """The complete warehouse x day matrix (see usage.matrix.MATRIX_COLUMNS)."""
        raise NotImplementedError

    def metered_days(self) -> pd.Series:
        """Every day on which any warehouse has a metering row."""
        raise NotImplementedError


class LocalUsageTables(UsageTables):
    """The DuckDB file the local table IO manager writes."""

    database: str = Field(description="Path to the DuckDB file holding warehouse_metering.")
    schema_name: str = Field(description="Schema of the table, e.g. snowpatrol.")

    def _query(self, read):
        from mlops_common.duckdb_tables import TransactionalDuckDbClient

        context = _ConnectionSettings({"database": self.database, "connection_config": {}})
        # The IO manager's own connect: it retries while another process holds the file's lock.
        with TransactionalDuckDbClient.connect(context, None) as connection:
            return read(connection, f"{self.schema_name}.{METERING_TABLE}")

    def daily_matrix(self) -> pd.DataFrame:
        from snowpatrol_assets.usage.daily_sql import DUCKDB, read_daily_matrix

        return self._query(lambda connection, table: read_daily_matrix(connection, table, DUCKDB))

    def metered_days(self) -> pd.Series:
        return self._query(
            lambda connection, table: _days(
                connection.execute(METERED_DAYS_SQL.format(table=table)).fetchall()
            )
        )


class SnowflakeUsageTables(UsageTables):
    """The Snowflake table the production IO manager writes."""

    snowflake: ConfigurableResource = Field(description="A dagster_snowflake.SnowflakeResource.")
    database: str = Field(description="Database of the SNOWPATROL schema.")
    schema_name: str = Field(description="Schema of the table, e.g. SNOWPATROL.")

    def _table(self) -> str:
        return plain_identifier(f"{self.database}.{self.schema_name}.{METERING_TABLE}")

    def daily_matrix(self) -> pd.DataFrame:
        from snowpatrol_assets.usage.daily_sql import SNOWFLAKE, read_daily_matrix

        with self.snowflake.get_connection() as connection:
            return read_daily_matrix(connection, self._table(), SNOWFLAKE)

    def metered_days(self) -> pd.Series:
        with self.snowflake.get_connection() as connection:
            cursor = connection.cursor()
            cursor.execute(METERED_DAYS_SQL.format(table=self._table()))
            return _days(cursor.fetchall())


class _ConnectionSettings:
    """What dagster-duckdb's connect reads from an IO manager context: its resource config."""

    def __init__(self, resource_config: dict):
        self.resource_config = resource_config


def _days(rows: list[tuple]) -> pd.Series:
    import pandas as pd

    return pd.Series(pd.to_datetime([row[0] for row in rows]), dtype="datetime64[ns]")
