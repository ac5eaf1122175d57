"""What people told Snowpatrol about its anomalies: labels and silenced date ranges.

A label marks one anomaly (a warehouse-day) as `real`, `expected` or `false_alarm`, with a note.
A silence mutes a warehouse for a date range (a planned backfill, a migration). Expected,
false-alarm and silenced days are never alerted again, and every label feeds the detector
evaluation. Feedback lives in a table: a DuckDB file locally, Snowflake in production.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dagster import ConfigurableResource
from pydantic import Field

from mlops_common.safe_names import check_partition_key, plain_identifier

if TYPE_CHECKING:
    import pandas as pd

REAL, EXPECTED, FALSE_ALARM, SILENCE = "real", "expected", "false_alarm", "silence"
Label = Literal["real", "expected", "false_alarm", "silence"]
NOT_ALERTED = (EXPECTED, FALSE_ALARM, SILENCE)
FEEDBACK_COLUMNS = ["WAREHOUSE_KEY", "FIRST_DAY", "LAST_DAY", "LABEL", "NOTE", "RECORDED_AT"]
TABLE = "ANOMALY_FEEDBACK"


def feedback_row(
    warehouse_key: str, first_day: date, last_day: date | None, label: str, note: str
) -> dict:
    """One feedback entry, checked: a label is about one day, a silence about a range."""
    check_partition_key(warehouse_key)
    last_day = last_day or first_day
    if label != SILENCE and last_day != first_day:
        raise ValueError(f"a {label!r} label is about one anomaly day; use 'silence' for ranges")
    if last_day < first_day:
        raise ValueError(f"silence ends ({last_day}) before it starts ({first_day})")
    return {
        "WAREHOUSE_KEY": warehouse_key,
        "FIRST_DAY": first_day,
        "LAST_DAY": last_day,
        "LABEL": label,
        "NOTE": note,
        "RECORDED_AT": datetime.now(UTC).replace(tzinfo=None),
    }


class AnomalyFeedback(ConfigurableResource):
    """Reads and records feedback (see the module docstring)."""

    def record(self, row: dict) -> None:
        raise NotImplementedError

    def entries(self) -> pd.DataFrame:
        """Every entry, columns FEEDBACK_COLUMNS (empty when nobody gave feedback yet)."""
        raise NotImplementedError


CREATE_SQL = (
    "CREATE TABLE IF NOT EXISTS {table} (WAREHOUSE_KEY VARCHAR, FIRST_DAY DATE, LAST_DAY DATE, "
    "LABEL VARCHAR, NOTE VARCHAR, RECORDED_AT TIMESTAMP)"
)


class LocalAnomalyFeedback(AnomalyFeedback):
    """Feedback in a local DuckDB file (its own file: the tables' file may be busy in a run)."""

    database: str = Field(description="Path to the DuckDB file holding the feedback table.")

    def _connect(self):
        import duckdb

        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(self.database)
        connection.execute(CREATE_SQL.format(table=TABLE))
        return connection

    def record(self, row: dict) -> None:
        with self._connect() as connection:
            marks = ", ".join("?" for _ in FEEDBACK_COLUMNS)
            connection.execute(
                f"INSERT INTO {TABLE} ({', '.join(FEEDBACK_COLUMNS)}) VALUES ({marks})",
                [row[c] for c in FEEDBACK_COLUMNS],
            )

    def entries(self) -> pd.DataFrame:
        with self._connect() as connection:
            frame = connection.execute(f"SELECT {', '.join(FEEDBACK_COLUMNS)} FROM {TABLE}").df()
        return _typed(frame)


class SnowflakeAnomalyFeedback(AnomalyFeedback):
    """Feedback in a Snowflake table (production), through the SnowflakeResource, with bound
    parameters."""

    snowflake: ConfigurableResource = Field(description="A dagster_snowflake.SnowflakeResource.")
    schema_name: str = Field(description="Schema of the feedback table, e.g. SNOWPATROL.")

    def _table(self) -> str:
        return plain_identifier(f"{self.schema_name}.{TABLE}")

    def record(self, row: dict) -> None:
        with self.snowflake.get_connection() as connection:
            cursor = connection.cursor()
            cursor.execute(CREATE_SQL.format(table=self._table()))
            marks = ", ".join(f"%({c})s" for c in FEEDBACK_COLUMNS)
            cursor.execute(
                f"INSERT INTO {self._table()} ({', '.join(FEEDBACK_COLUMNS)}) VALUES ({marks})", row
            )

    def entries(self) -> pd.DataFrame:
        import pandas as pd

        with self.snowflake.get_connection() as connection:
            cursor = connection.cursor()
            cursor.execute(CREATE_SQL.format(table=self._table()))
            cursor.execute(f"SELECT {', '.join(FEEDBACK_COLUMNS)} FROM {self._table()}")
            frame = pd.DataFrame(cursor.fetchall(), columns=FEEDBACK_COLUMNS)
        return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    for column in ("FIRST_DAY", "LAST_DAY"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def not_alerted(anomalies: pd.DataFrame, feedback: pd.DataFrame) -> pd.Series:
    """True for each anomaly (WAREHOUSE_KEY, USAGE_DATE) someone labelled expected or a false
    alarm, or silenced."""
    import pandas as pd

    muted = feedback[feedback["LABEL"].isin(NOT_ALERTED)]
    hit = pd.Series(False, index=anomalies.index)
    for row in muted.itertuples():
        hit |= (
            (anomalies["WAREHOUSE_KEY"] == row.WAREHOUSE_KEY)
            & (anomalies["USAGE_DATE"] >= row.FIRST_DAY)
            & (anomalies["USAGE_DATE"] <= row.LAST_DAY)
        )
    return hit


def labelled_days(feedback: pd.DataFrame) -> tuple[set, set]:
    """(real anomaly days, days labelled not anomalous) as (warehouse key, day) pairs."""
    real, not_real = set(), set()
    for row in feedback[feedback["LABEL"] != SILENCE].itertuples():
        (real if row.LABEL == REAL else not_real).add((row.WAREHOUSE_KEY, row.FIRST_DAY))
    return real, not_real


def known_anomalies(feedback: pd.DataFrame, source_labels: set) -> set:
    """(warehouse key, day) pairs known to be anomalous: those the usage source labels (the
    simulated account's injected anomalies; none for a real account) and those people marked
    real, less the days people marked expected or a false alarm."""
    real, not_real = labelled_days(feedback)
    return (source_labels | real) - not_real
