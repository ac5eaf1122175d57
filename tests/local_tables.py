"""Reading what the local (DuckDB) table IO manager stored, as a test checks it."""

import duckdb

from mlops_common.environment import local_data_dir


def local_rows(schema: str, sql: str, parameters: list | None = None) -> list[tuple]:
    """Rows of `sql` run read-only against the location's DuckDB file (tables as `schema.x`)."""
    database = local_data_dir() / f"{schema}_tables.duckdb"
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def local_count(schema: str, table: str, where: str = "", parameters: list | None = None) -> int:
    """How many rows `schema.table` holds (optionally only those matching `where`)."""
    sql = f"select count(*) from {schema}.{table}" + (f" where {where}" if where else "")
    return local_rows(schema, sql, parameters)[0][0]
