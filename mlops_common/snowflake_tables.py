"""Snowflake tables for pandas assets (production), replaced atomically, with column names read
back as the assets wrote them.

Two things differ from dagster-snowflake-pandas:

- It upper-cases column names when it writes a table but lower-cases them when it reads one
  back, so an asset would see `credits_used` where it wrote `CREDITS_USED`, or `läckerli_boxes`
  for `Läckerli_boxes`. Here columns come back in the location's spelling (`column_names`), so
  assets read the same names locally (DuckDB) and in production.
- It deletes a partition and then writes the new rows without a transaction. Here the new rows
  are first written to a staging table (write_pandas creates tables and stages, and DDL commits
  any open Snowflake transaction), then the DELETE and an INSERT … SELECT from the staging table
  run in one transaction: a failed write leaves the stored rows as they were.
"""

from contextlib import contextmanager
from uuid import uuid4

from dagster import OutputContext
from dagster._core.storage.db_io_manager import DbIOManager, TableSlice
from dagster_snowflake import SnowflakeResource
from dagster_snowflake.snowflake_io_manager import SnowflakeDbClient
from dagster_snowflake_pandas import SnowflakePandasIOManager, SnowflakePandasTypeHandler
from pydantic import Field

from mlops_common.column_names import ColumnNames
from mlops_common.table_replace import (
    check_slice_keys,
    refuse_empty_replacement,
    slice_filter,
    stored_table_metadata,
)


class TransactionalSnowflakeDbClient(SnowflakeDbClient):
    """The slice delete is left to the type handler, inside its transaction."""

    @staticmethod
    @contextmanager
    def connect(context, table_slice):
        """dagster-snowflake's connection, from the connection settings alone (it passes the
        whole IO manager config to SnowflakeResource, which does not know column_names)."""
        config = {k: v for k, v in (context.resource_config or {}).items() if k != "schema"}
        config.pop("column_names", None)
        with SnowflakeResource(schema=table_slice.schema, **config).get_connection(
            raw_conn=False
        ) as connection:
            yield connection

    @staticmethod
    def delete_table_slice(context: OutputContext, table_slice: TableSlice, connection) -> None:
        """Nothing here: `TransactionalSnowflakePandasTypeHandler.handle_output` deletes."""

    @staticmethod
    def get_select_statement(table_slice: TableSlice) -> str:
        check_slice_keys(table_slice)
        return SnowflakeDbClient.get_select_statement(table_slice)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column_types(frame) -> str:
    """Snowflake column definitions for an (empty) DataFrame, from its dtypes."""
    import pandas as pd

    def snowflake_type(dtype) -> str:
        if pd.api.types.is_bool_dtype(dtype):
            return "BOOLEAN"
        if pd.api.types.is_integer_dtype(dtype):
            return "NUMBER(38, 0)"
        if pd.api.types.is_float_dtype(dtype):
            return "FLOAT"
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return "TIMESTAMP_NTZ"
        return "VARCHAR"

    return ", ".join(
        f"{_quoted(str(c).upper())} {snowflake_type(t)}" for c, t in frame.dtypes.items()
    )


class TransactionalSnowflakePandasTypeHandler(SnowflakePandasTypeHandler):
    def __init__(self, column_names: ColumnNames):
        self.column_names = column_names

    def load_input(self, context, table_slice, connection):
        frame = super().load_input(context, table_slice, connection)
        return frame.rename(columns=self.column_names.as_written)

    def handle_output(self, context: OutputContext, table_slice: TableSlice, obj, connection):
        database, schema = table_slice.database.upper(), table_slice.schema.upper()
        table = f"{database}.{schema}.{table_slice.table.upper()}"
        self.column_names.refuse_unreadable(table, obj.columns)
        cursor = connection.cursor()
        cursor.execute(
            f"SELECT COUNT(*) FROM {database}.INFORMATION_SCHEMA.TABLES "
            "WHERE TABLE_SCHEMA = %(schema)s AND TABLE_NAME = %(table)s",
            {"schema": schema, "table": table_slice.table.upper()},
        )
        if not cursor.fetchone()[0]:  # a new table: nothing stored that a failure could lose
            if obj.empty:  # write_pandas creates no table from no rows; readers need one
                cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} ({_column_types(obj)})")
            else:
                super().handle_output(context, table_slice, obj, connection)
            return stored_table_metadata(context, obj, "snowflake")
        staging = table_slice._replace(
            table=f"{table_slice.table}_STAGING_{uuid4().hex[:12]}".upper(),
            partition_dimensions=None,
        )
        if not obj.empty:
            super().handle_output(context, staging, obj, connection)
        try:
            self._replace(
                context, table_slice, obj, cursor, table, f"{database}.{schema}.{staging.table}"
            )
        finally:
            if not obj.empty:
                cursor.execute(f"DROP TABLE IF EXISTS {database}.{schema}.{staging.table}")
        return stored_table_metadata(context, obj, "snowflake")

    @staticmethod
    def _replace(context, table_slice, obj, cursor, table: str, staging: str) -> None:
        where, values = slice_filter(table_slice.partition_dimensions, lambda i: f"%(p{i})s")
        parameters = {f"p{i}": value for i, value in enumerate(values)}
        columns = ", ".join(_quoted(str(c).upper()) for c in obj.columns)
        cursor.execute("BEGIN")
        try:
            cursor.execute(
                f"DELETE FROM {table}" + (f" WHERE {where}" if where else ""), parameters
            )
            refuse_empty_replacement(context, table_slice, len(obj), cursor.rowcount or 0)
            if not obj.empty:
                cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}")
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise


class SnowflakeTablesIOManager(SnowflakePandasIOManager):
    """Pandas DataFrames as Snowflake tables: partition replaces in one transaction, columns
    read back as written."""

    column_names: ColumnNames = Field(
        default_factory=ColumnNames,
        description="How the location spells its columns (Snowflake stores them upper-case).",
    )

    def create_io_manager(self, context) -> DbIOManager:
        return DbIOManager(
            db_client=TransactionalSnowflakeDbClient(),
            io_manager_name="SnowflakeIOManager",
            database=self.database,
            schema=self.schema_,
            type_handlers=[TransactionalSnowflakePandasTypeHandler(self.column_names)],
            default_load_type=self.default_load_type(),
        )
