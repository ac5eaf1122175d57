"""Where cookie models are fitted: pandas in process locally, Snowpark ML in Snowflake in prod."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dagster import ConfigurableResource
from pydantic import Field

from cookie_assets.location import SCHEMA
from cookie_assets.modeling.candidates import Identifier, pandas_identifier, snowpark_identifier

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Workspace:
    """Turns pandas frames into what estimators fit on, and names columns for them."""

    identifier: Identifier
    to_dataset: Callable[[pd.DataFrame], Any]


class TrainingCompute(ConfigurableResource):
    """Where models are fitted and applied: in process on pandas by default."""

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        yield Workspace(identifier=pandas_identifier, to_dataset=lambda frame: frame)


class SnowflakeConnected(ConfigurableResource):
    """Snowflake connection settings and a Snowpark session built from them."""

    account: str
    user: str
    database: str
    warehouse: str
    role: str
    schema_name: str = Field(default=SCHEMA.upper(), description="Schema of tables and models.")
    password: str | None = None
    private_key_path: str | None = None

    @contextmanager
    def snowpark_session(self) -> Iterator[Any]:
        from dagster_snowflake import SnowflakeResource
        from snowflake.snowpark import Session

        fields = {
            name: getattr(self, name)
            for name in ("account", "user", "database", "warehouse", "role", "password")
            if getattr(self, name)
        }
        if self.private_key_path:
            fields["private_key_path"] = self.private_key_path
        resource = SnowflakeResource(schema=self.schema_name, **fields)
        with resource.get_connection() as connection:
            session = Session.builder.configs({"connection": connection}).create()
            try:
                yield session
            finally:
                session.close()


class SnowparkCompute(TrainingCompute, SnowflakeConnected):
    """Snowpark ML: frames are uploaded as Snowpark DataFrames, so fit runs in Snowflake.

    With `snowpark_warehouse` set (like the original USE_SNOWPARK_WAREHOUSE), work runs on that
    Snowpark-optimised warehouse, which is suspended afterwards.
    """

    snowpark_warehouse: str | None = Field(default=None, description="Snowpark-optimised WH.")

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        with self.snowpark_session() as session:
            if self.snowpark_warehouse:
                session.use_warehouse(self.snowpark_warehouse)
            try:
                yield Workspace(identifier=snowpark_identifier, to_dataset=session.create_dataframe)
            finally:
                if self.snowpark_warehouse:
                    session.use_warehouse(self.warehouse)
                    session.sql(
                        "ALTER WAREHOUSE IDENTIFIER(?) SUSPEND", params=[self.snowpark_warehouse]
                    ).collect()
