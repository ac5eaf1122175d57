"""Snowflake tables for pandas assets, with column names read back as Snowflake stores them.

dagster-snowflake-pandas upper-cases column names when it writes a table but lower-cases them
when it reads one back, so an asset would see `credits_used` where it wrote `CREDITS_USED`.
This IO manager returns them upper-case, as written and as Snowflake shows them, so assets
read the same names locally (DuckDB) and in production.
"""

from dagster_snowflake_pandas import SnowflakePandasIOManager, SnowflakePandasTypeHandler


class UpperCaseColumnsTypeHandler(SnowflakePandasTypeHandler):
    def load_input(self, context, table_slice, connection):
        frame = super().load_input(context, table_slice, connection)
        return frame.rename(columns=str.upper)


class SnowflakeTablesIOManager(SnowflakePandasIOManager):
    """Pandas DataFrames as Snowflake tables; columns come back upper-case, as stored."""

    @staticmethod
    def type_handlers() -> list:
        return [UpperCaseColumnsTypeHandler()]
