"""What the table IO managers share: the slice filter as bound parameters, the empty-replace
refusal, and the metadata every stored table reports.

dagster-duckdb and dagster-snowflake replace a partition by running DELETE and then the insert
outside one transaction, with partition keys written into the SQL as literals (only `'` is
escaped), and an empty DataFrame is skipped after the DELETE has run. Their IO managers offer no
hook to change that, so `storage.py` (DuckDB) and `snowflake_tables.py` (Snowflake) run the
delete and the insert in one transaction, with the filter below.
"""

from collections.abc import Callable, Sequence

from dagster import MetadataValue, OutputContext, TableColumn, TableSchema, TimeWindow

# Dagster's own DuckDB and Snowflake integrations import these from here; there is no public path.
from dagster._core.definitions.metadata import TableMetadataSet
from dagster._core.storage.db_io_manager import TablePartitionDimension, TableSlice

from mlops_common.safe_names import check_partition_key

ALLOW_EMPTY_TAG = "mlops/allow_empty_replacement"
"""Run tag that lets an empty result replace a partition's stored rows (value `true`)."""
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


class EmptyReplacementError(RuntimeError):
    """An asset returned no rows for a partition that has stored rows."""


def slice_filter(
    dimensions: Sequence[TablePartitionDimension] | None, placeholder: Callable[[int], str]
) -> tuple[str, list]:
    """(WHERE clause without the keyword, bound values) selecting a table slice; ("", []) for a
    whole table. `placeholder(i)` spells the i-th parameter in the driver's style."""
    clauses, values = [], []
    for dimension in dimensions or []:
        column = dimension.partition_expr
        if isinstance(dimension.partitions, TimeWindow):
            start, end = dimension.partitions
            first, second = placeholder(len(values)), placeholder(len(values) + 1)
            clauses.append(f"{column} >= {first} AND {column} < {second}")
            values += [start.strftime(TIMESTAMP_FORMAT), end.strftime(TIMESTAMP_FORMAT)]
        else:
            keys = [check_partition_key(str(k)) for k in dimension.partitions]
            marks = ", ".join(placeholder(len(values) + i) for i in range(len(keys)))
            clauses.append(f"{column} IN ({marks})")
            values += keys
    return " AND ".join(clauses), values


def check_slice_keys(table_slice: TableSlice) -> None:
    """Refuses a slice whose partition keys could escape the literals the libraries' SELECT
    statements are built with (keys are safe by construction; this keeps them so)."""
    for dimension in table_slice.partition_dimensions or []:
        if not isinstance(dimension.partitions, TimeWindow):
            for key in dimension.partitions:
                check_partition_key(str(key))


def refuse_empty_replacement(
    context: OutputContext, table_slice: TableSlice, new_rows: int, stored_rows: int
) -> None:
    """Raises when an empty result would replace a partition's stored rows, unless the run is
    tagged `mlops/allow_empty_replacement: true`."""
    partitioned = bool(table_slice.partition_dimensions)
    allowed = context.step_context.run_tags.get(ALLOW_EMPTY_TAG, "").lower() == "true"
    if partitioned and new_rows == 0 and stored_rows > 0 and not allowed:
        keys = ", ".join(context.asset_partition_keys) if context.has_asset_partitions else ""
        raise EmptyReplacementError(
            f"{table_slice.schema}.{table_slice.table}: the new result for partition(s) {keys} "
            f"is empty, but {stored_rows} rows are stored for them; nothing was changed. If the "
            f"partition really is empty now, re-run with the run tag `{ALLOW_EMPTY_TAG}: true`."
        )


def stored_table_metadata(context: OutputContext, obj, storage_kind: str) -> dict:
    """Row count and column types of what was stored, as the Dagster integrations report them."""
    count = (
        TableMetadataSet(partition_row_count=len(obj), storage_kind=storage_kind)
        if context.has_partition_key
        else TableMetadataSet(row_count=len(obj), storage_kind=storage_kind)
    )
    columns = [TableColumn(name=str(n), type=str(t)) for n, t in obj.dtypes.items()]
    return {**count, "dataframe_columns": MetadataValue.table_schema(TableSchema(columns))}
