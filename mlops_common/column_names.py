"""How a location spells its table columns, so that they read back as the assets wrote them.

Snowflake stores column names upper-case (the Snowflake IO manager writes `Läckerli_boxes` as
`LÄCKERLI_BOXES`, and dagster-snowflake-pandas reads every name back lower-case); DuckDB keeps
them as written. A location declares its spelling once, on its table IO manager: one case for
plain names and the names that are in neither case. Reading a table gives every column that
spelling back, and writing a column the rule cannot give back fails on DuckDB too, so a name
that would come back changed in production is caught locally.
"""

from collections.abc import Iterable

from dagster import Config
from pydantic import Field


class ColumnNameError(ValueError):
    """An asset wrote a column whose name would not read back as written."""


class ColumnNames(Config):
    lower_case: bool = Field(
        default=False,
        description="Plain column names are lower-case (e.g. customer_id); otherwise upper-case "
        "(e.g. CREDITS_USED), as Snowflake stores them.",
    )
    spellings: list[str] = Field(
        default=[],
        description="Column names in neither case, read back exactly so (e.g. Läckerli_boxes).",
    )

    def as_written(self, stored: str) -> str:
        """The spelling of a column whose stored name is `stored` (in any case)."""
        upper = str(stored).upper()
        exceptions = {name.upper(): name for name in self.spellings}
        return exceptions.get(upper, upper.lower() if self.lower_case else upper)

    def refuse_unreadable(self, table: str, written: Iterable) -> None:
        """Raises naming the columns that would read back spelled differently."""
        changed = {name: self.as_written(name) for name in map(str, written)}
        changed = {name: back for name, back in changed.items() if back != name}
        if changed:
            listed = ", ".join(
                f"{name!r} (would read back as {back!r})" for name, back in changed.items()
            )
            raise ColumnNameError(
                f"{table}: columns {listed}: Snowflake stores names upper-case, and this "
                "location reads them back in one case. Rename the columns, or add their "
                "spelling to the `spellings` of the table IO manager's column_names."
            )
