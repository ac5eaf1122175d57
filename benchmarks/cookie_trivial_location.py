"""A trivial one-asset code location: the baseline for the cookie location's load time."""

import dagster as dg


@dg.asset
def one_asset() -> int:
    return 1


defs = dg.Definitions(assets=[one_asset])
