"""Reading what the local (DuckDB) table IO manager stored, as a test checks it."""

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd

from mlops_common.environment import local_data_dir


@contextmanager
def _read_only(schema: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the location's DuckDB file (tables as `schema.x`)."""
    database = local_data_dir() / f"{schema}_tables.duckdb"
    with duckdb.connect(str(database), read_only=True) as connection:
        yield connection


def local_rows(schema: str, sql: str, parameters: list | None = None) -> list[tuple]:
    """Rows of `sql` run against the location's DuckDB file."""
    with _read_only(schema) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def local_frame(schema: str, sql: str) -> pd.DataFrame:
    """The result of `sql` run against the location's DuckDB file, as a DataFrame."""
    with _read_only(schema) as connection:
        return connection.sql(sql).df()


def local_count(schema: str, table: str, where: str = "", parameters: list | None = None) -> int:
    """How many rows `schema.table` holds (optionally only those matching `where`)."""
    sql = f"select count(*) from {schema}.{table}" + (f" where {where}" if where else "")
    return local_rows(schema, sql, parameters)[0][0]
