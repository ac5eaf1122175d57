"""Where metering rows come from: the simulated account locally, Snowflake's usage views in prod."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from dagster import ConfigurableResource
from pydantic import Field

from mlops_common.safe_names import plain_identifier

if TYPE_CHECKING:
    import pandas as pd

from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDIT_COLUMNS,
    METERING_COLUMNS,
    START_TIME,
    WAREHOUSE,
    WAREHOUSE_ID,
    warehouse_id_of,
)

FETCH_WINDOW_DAYS = 31
"""A long backfill is fetched a month at a time: two years of hourly rows for 1,000 warehouses
(4.5 M rows) peaked at 2.2 GB fetched at once, and hold a few hundred MB kept window by window
with shared text values (see `fetch_metering_range`)."""


class UsageSource(ConfigurableResource):
    """Hourly warehouse metering rows, shaped like WAREHOUSE_METERING_HISTORY."""

    def fetch_metering(self, start: datetime, end: datetime) -> pd.DataFrame:
        """Rows whose START_TIME is in [start, end), naive UTC timestamps."""
        raise NotImplementedError

    def fetch_metering_range(self, start: datetime, end: datetime) -> pd.DataFrame:
        """`fetch_metering` over [start, end), FETCH_WINDOW_DAYS at a time. Each window's text
        columns are reduced to one string object per distinct value before the next window is
        fetched, so memory holds the range's numbers, not millions of copies of its names."""
        import pandas as pd

        bounds = [start]
        while bounds[-1] + timedelta(days=FETCH_WINDOW_DAYS) < end:
            bounds.append(bounds[-1] + timedelta(days=FETCH_WINDOW_DAYS))
        frames = [
            _shared_text_values(self.fetch_metering(window_start, window_end))
            for window_start, window_end in zip(bounds, [*bounds[1:], end], strict=True)
        ]
        return pd.concat(frames, ignore_index=True)

    def labelled_anomalies(self, first_day, last_day) -> set[tuple[str, pd.Timestamp]]:
        """(warehouse key, day) pairs the source itself knows to be anomalous (none for a real
        account: there, labels come from people's feedback)."""
        return set()

    def fetch_query_attribution(self, days: set[tuple[str, date]]) -> pd.DataFrame:
        """Query-level compute credits (QUERY_ATTRIBUTION_HISTORY with the role and a sample text
        from QUERY_HISTORY, see attribution.columns) of exactly these (warehouse key, day)
        pairs: anomalous days and the ordinary days they are compared with."""
        raise NotImplementedError


class SimulatedAccountSource(UsageSource):
    """A deterministic simulated Snowflake organisation with labelled injected anomalies; the
    fleet comes from SNOWPATROL_SIM_WAREHOUSES / SNOWPATROL_SIM_SEED (default: 26 warehouses)."""

    def fetch_metering(self, start: datetime, end: datetime) -> pd.DataFrame:
        from snowpatrol_assets.simulation import configured_fleet, simulate_metering

        return simulate_metering(start.date(), end.date(), configured_fleet())

    def labelled_anomalies(self, first_day, last_day) -> set[tuple[str, pd.Timestamp]]:
        import pandas as pd

        from snowpatrol_assets.simulation import configured_fleet, injected_anomalies
        from snowpatrol_assets.usage.columns import warehouse_key

        end = pd.Timestamp(last_day).date() + timedelta(days=1)
        labels = injected_anomalies(pd.Timestamp(first_day).date(), end, configured_fleet())
        return {
            (warehouse_key(row.ACCOUNT_NAME, row.WAREHOUSE_ID), row.USAGE_DATE)
            for row in labels.itertuples()
        }

    def fetch_query_attribution(self, days: set[tuple[str, date]]) -> pd.DataFrame:
        from snowpatrol_assets.simulation import configured_fleet
        from snowpatrol_assets.simulation.query_history import simulate_query_history

        first = min((d for _, d in days), default=date.today())
        last = max((d for _, d in days), default=first)
        return simulate_query_history(
            first, last + timedelta(days=1), configured_fleet(), days=days
        )


METERING_SQL = """
SELECT {account} AS ACCOUNT_NAME, WAREHOUSE_ID, WAREHOUSE_NAME, START_TIME, END_TIME,
       CREDITS_USED, CREDITS_USED_COMPUTE, CREDITS_USED_CLOUD_SERVICES
FROM {database}.{schema}.WAREHOUSE_METERING_HISTORY
WHERE START_TIME >= %(start)s AND START_TIME < %(end)s
ORDER BY START_TIME, ACCOUNT_NAME, WAREHOUSE_NAME
"""
# CURRENT_ACCOUNT() is the account locator; ORGANIZATION_USAGE.ACCOUNT_NAME is the account name.
ACCOUNT_COLUMN = {"ORGANIZATION_USAGE": "ACCOUNT_NAME", "ACCOUNT_USAGE": "CURRENT_ACCOUNT_NAME()"}


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
        return METERING_SQL.format(
            account=ACCOUNT_COLUMN[self.usage_schema],
            database=plain_identifier(self.source_database),
            schema=self.usage_schema,
        )

    def fetch_query_attribution(self, days: set[tuple[str, date]]) -> pd.DataFrame:
        """ACCOUNT_USAGE covers the account the resource connects to: pairs of warehouses of
        other accounts find no rows (their anomalies show only the unattributed remainder)."""
        import pandas as pd

        from snowpatrol_assets.attribution.columns import ATTRIBUTED_CREDITS, QUERY_HISTORY_COLUMNS

        pairs = sorted(days)
        parameters = {}
        for i, (key, day) in enumerate(pairs):
            start = datetime.combine(day, datetime.min.time())
            parameters |= {
                f"w{i}": warehouse_id_of(key),
                f"s{i}": _aware_utc(start),
                f"e{i}": _aware_utc(start + timedelta(days=1)),
            }
        sql = query_attribution_sql(plain_identifier(self.source_database), len(pairs))
        with self.snowflake.get_connection() as connection:
            cursor = connection.cursor()
            cursor.execute(sql, parameters)
            rows = cursor.fetchall()
        frame = pd.DataFrame(rows, columns=QUERY_HISTORY_COLUMNS)
        frame = frame.astype({WAREHOUSE_ID: "int64", ATTRIBUTED_CREDITS: "float64"})
        for column in (START_TIME, "END_TIME"):
            frame[column] = _naive_utc(frame[column])
        return frame

    def fetch_metering(self, start: datetime, end: datetime) -> pd.DataFrame:
        with self.snowflake.get_connection() as connection:
            cursor = connection.cursor()
            # Offset-aware bounds: a naive literal is read in the session TIMEZONE (by default
            # America/Los_Angeles) when compared with the TIMESTAMP_LTZ column.
            cursor.execute(
                self.metering_sql(), {"start": _aware_utc(start), "end": _aware_utc(end)}
            )
            rows = cursor.fetchall()
        import pandas as pd

        frame = pd.DataFrame(rows, columns=METERING_COLUMNS)
        # NUMBER columns arrive as decimal.Decimal with the JSON result format (and fakesnow).
        frame = frame.astype({WAREHOUSE_ID: "int64", **dict.fromkeys(CREDIT_COLUMNS, "float64")})
        for column in (START_TIME, "END_TIME"):
            frame[column] = _naive_utc(frame[column])
        return frame


QUERY_ATTRIBUTION_SQL = """
SELECT CURRENT_ACCOUNT_NAME() AS ACCOUNT_NAME, a.WAREHOUSE_ID, a.WAREHOUSE_NAME, a.QUERY_ID,
       a.QUERY_PARAMETERIZED_HASH, LEFT(q.QUERY_TEXT, 200) AS QUERY_TEXT, a.QUERY_TAG,
       a.USER_NAME, q.ROLE_NAME, a.START_TIME, a.END_TIME, a.CREDITS_ATTRIBUTED_COMPUTE
FROM {database}.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY a
LEFT JOIN {database}.ACCOUNT_USAGE.QUERY_HISTORY q ON q.QUERY_ID = a.QUERY_ID
WHERE {pairs}
"""
"""Only the requested warehouse-days are read (never the whole history). QUERY_HISTORY is the
larger view: the join is on QUERY_ID, so Snowflake prunes it by the matching queries."""


def query_attribution_sql(database: str, pair_count: int) -> str:
    """The query for `pair_count` (warehouse id, day) pairs: placeholders only, values bound."""
    pair = "(a.WAREHOUSE_ID = %(w{i})s AND a.START_TIME >= %(s{i})s AND a.START_TIME < %(e{i})s)"
    pairs = " OR ".join(pair.format(i=i) for i in range(pair_count)) or "FALSE"
    return QUERY_ATTRIBUTION_SQL.format(database=database, pairs=pairs)


def _shared_text_values(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each text column's rows pointing at one string object per distinct value
    (still plain object columns: the table writers store them as text)."""
    text_columns = [c for c in (ACCOUNT, WAREHOUSE) if frame[c].dtype == object]
    return frame.assign(**{c: frame[c].astype("category").astype(object) for c in text_columns})


def _aware_utc(moment: datetime) -> datetime:
    """`moment` as an offset-aware UTC datetime (naive datetimes are taken to be UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _naive_utc(values: pd.Series) -> pd.Series:
    import pandas as pd

    stamps = pd.to_datetime(values)
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.astype("datetime64[ns]")
