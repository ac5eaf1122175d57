"""A one-asset code location: the baseline the project's locations' load time is compared with."""

from dagster import Definitions, asset


@asset
def one_asset() -> int:
    return 1


defs = Definitions(assets=[one_asset])
