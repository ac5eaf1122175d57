"""Snowpatrol: Snowflake compute usage per warehouse, validated, modelled, scored and alerted."""

import warnings

from dagster import BetaWarning

# BackfillPolicy.single_run() is beta in Dagster 1.13 and chosen on purpose: a backfill over
# many usage days or warehouses runs as one process instead of one per partition.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=BetaWarning)
