"""How the cookie location declares an asset stored as a partitioned table."""

from dagster import PartitionsDefinition, asset

from cookie_assets.location import TABLES_POOL


def partitioned_table_asset(
    group: str,
    partitions_def: PartitionsDefinition,
    partition_column: str,
    extra_kinds: frozenset[str] = frozenset(),
    **options,
):
    """`dagster.asset` for a table whose rows of one partition carry its key in
    `partition_column`: in `group`, in the tables pool, of kind pandas (plus `extra_kinds`)."""
    return asset(
        partitions_def=partitions_def,
        group_name=group,
        kinds={"pandas", *extra_kinds},
        pool=TABLES_POOL,
        metadata={"partition_expr": partition_column},
        **options,
    )
