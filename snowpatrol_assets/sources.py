"""Where metering rows come from: the simulated account locally, Snowflake's usage views in prod."""

from datetime import datetime
from typing import Literal

import pandas as pd
from dagster import ConfigurableResource
from pydantic import Field

from snowpatrol_assets.usage.columns import METERING_COLUMNS, START_TIME


class UsageSource(ConfigurableResource):
    """Hourly warehouse metering rows, shaped like WAREHOUSE_METERING_HISTORY."""

    def fetch_metering(self, start: datetime, end: datetime) -> pd.DataFrame:
        """Rows whose START_TIME is in [start, end), naive UTC timestamps."""
        raise NotImplementedError


class SimulatedAccountSource(UsageSource):
    """A deterministic simulated Snowflake organisation with labelled injected anomalies."""

    def fetch_metering(self, start: datetime, end: datetime) -> pd.DataFrame:
        from snowpatrol_assets.simulation import simulate_metering

        return simulate_metering(start.date(), end.date())


METERING_SQL = """
SELECT {account} AS ACCOUNT_NAME, WAREHOUSE_ID, WAREHOUSE_NAME, START_TIME, END_TIME,
       CREDITS_USED, CREDITS_USED_COMPUTE, CREDITS_USED_CLOUD_SERVICES
FROM {database}.{schema}.WAREHOUSE_METERING_HISTORY
WHERE START_TIME >= %(start)s AND START_TIME < %(end)s
ORDER BY START_TIME, ACCOUNT_NAME, WAREHOUSE_NAME
"""
ACCOUNT_COLUMN = {"ORGANIZATION_USAGE": "ACCOUNT_NAME", "ACCOUNT_USAGE": "CURRENT_ACCOUNT()"}


class SnowflakeUsageSource(UsageSource):
    """Reads WAREHOUSE_METERING_HISTORY from Snowflake's ORGANIZATION_USAGE or ACCOUNT_USAGE."""

    snowflake: ConfigurableResource = Field(description="A dagster_snowflake.SnowflakeResource.")
    usage_schema: Literal["ORGANIZATION_USAGE", "ACCOUNT_USAGE"] = Field(
        default="ORGANIZATION_USAGE",
        description="ORGANIZATION_USAGE covers every account of the org; ACCOUNT_USAGE only one.",
    )
    source_database: str = Field(
        default="SNOWFLAKE", description="Database holding the usage views (SNOWFLAKE)."
    )

    def metering_sql(self) -> str:
        if not self.source_database.replace("_", "").isalnum():
            raise ValueError(f"source_database {self.source_database!r} is not a plain identifier")
        return METERING_SQL.format(
            account=ACCOUNT_COLUMN[self.usage_schema],
            database=self.source_database,
            schema=self.usage_schema,
        )

    def fetch_metering(self, start: datetime, end: datetime) -> pd.DataFrame:
        with self.snowflake.get_connection() as connection:
            cursor = connection.cursor()
            cursor.execute(self.metering_sql(), {"start": start, "end": end})
            rows = cursor.fetchall()
        frame = pd.DataFrame(rows, columns=METERING_COLUMNS)
        for column in (START_TIME, "END_TIME"):
            frame[column] = _naive_utc(frame[column])
        return frame


def _naive_utc(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.astype("datetime64[ns]")
