"""DuckDB tables for pandas assets whose partition replace is one transaction (local default).

Built on dagster-duckdb-pandas (connection handling, reads); only the write differs: the
delete of the slice and the insert of the new rows commit together or not at all, an empty
result never replaces stored rows, the slice filter uses bound parameters, and a column whose
name would not read back from Snowflake as written is refused (see column_names).
"""

from contextlib import contextmanager

import pandas as pd
from dagster import OutputContext
from dagster._core.storage.db_io_manager import DbIOManager, TableSlice
from dagster_duckdb.io_manager import DuckDbClient
from dagster_duckdb_pandas import DuckDBPandasTypeHandler

from mlops_common.column_names import ColumnNames
from mlops_common.table_replace import (
    check_slice_keys,
    refuse_empty_replacement,
    slice_filter,
    stored_table_metadata,
)


class TransactionalDuckDbClient(DuckDbClient):
    """Connections that roll back and close when a write fails; the slice delete is left to
    the type handler, inside its transaction."""

    @staticmethod
    @contextmanager
    def connect(context, table_slice):
        # dagster-duckdb closes its connection only on success; close it on failure too.
        with DuckDbClient.connect(context, table_slice) as connection:
            try:
                yield connection
            except BaseException:
                connection.close()
                raise

    @staticmethod
    def delete_table_slice(context: OutputContext, table_slice: TableSlice, connection) -> None:
        """Nothing here: `TransactionalDuckDBPandasTypeHandler.handle_output` deletes."""

    @staticmethod
    def get_select_statement(table_slice: TableSlice) -> str:
        check_slice_keys(table_slice)
        return DuckDbClient.get_select_statement(table_slice)


class TransactionalDuckDBPandasTypeHandler(DuckDBPandasTypeHandler):
    """Replaces a table slice with a DataFrame in one DuckDB transaction. DuckDB keeps column
    names as written, so reading needs no mapping."""

    def __init__(self, column_names: ColumnNames):
        self.column_names = column_names

    def handle_output(self, context: OutputContext, table_slice: TableSlice, obj, connection):
        table = f"{table_slice.schema}.{table_slice.table}"
        self.column_names.refuse_unreadable(table, obj.columns)
        where, values = slice_filter(table_slice.partition_dimensions, lambda i: f"${i + 1}")
        exists = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = $1 and table_name = $2",
            [table_slice.schema, table_slice.table],
        ).fetchone()[0]
        connection.begin()
        try:
            stored = 0
            if exists:
                delete = f"delete from {table}" + (f" where {where}" if where else "")
                stored = connection.execute(delete, values).fetchone()[0]
            refuse_empty_replacement(context, table_slice, len(obj), stored)
            connection.register("new_rows", obj)
            left = (
                connection.execute(f"select count(*) from {table}").fetchone()[0] if exists else 0
            )
            if not left:  # a table holding no rows takes the shape of what is written now
                connection.execute(f"create or replace table {table} as from new_rows limit 0")
            _add_new_columns(connection, table)
            connection.execute(f"insert into {table} by name from new_rows")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        return stored_table_metadata(context, obj, "duckdb")


def _add_new_columns(connection, table: str) -> None:
    """Columns the asset now writes that the stored table lacks are added (older rows read them
    as NULL), so a new column does not fail every later write."""
    stored = {row[0] for row in connection.execute(f"describe {table}").fetchall()}
    for name, kind, *_ in connection.execute("describe new_rows").fetchall():
        if name not in stored:
            quoted = '"' + name.replace('"', '""') + '"'
            connection.execute(f"alter table {table} add column {quoted} {kind}")


def transactional_duckdb_io_manager(
    database: str, schema: str, column_names: ColumnNames
) -> DbIOManager:
    """The DbIOManager dagster-duckdb-pandas builds, with the transactional client and handler
    (the client reads the connection options from the resource config)."""
    return DbIOManager(
        db_client=TransactionalDuckDbClient(),
        database=database,
        schema=schema,
        type_handlers=[TransactionalDuckDBPandasTypeHandler(column_names)],
        default_load_type=pd.DataFrame,
        io_manager_name="DuckDBPandasIOManager",
    )
