"""The complete warehouse x day matrix computed inside the database, one query for both stores.

At thousands of warehouses the hourly metering (about 175 M rows for two years of 10,000
warehouses) cannot be pulled into one Python process. This query does what
`matrix.daily_usage_matrix` does in pandas, where the rows are stored (DuckDB locally,
Snowflake in production), in one scan of the hourly table: daily sums per (account,
WAREHOUSE_ID), idle days as 0 from each warehouse's first usage day to the table's last day,
the latest name per warehouse and the 30-day moving average and standard deviation. Python
receives only the daily rows.

The SQL text is the same for both dialects: it uses only syntax both accept (DATE + integer,
DATE - DATE in days, MAX_BY, window frames in ROWS), and numbers the days with a cross join
of digits instead of a dialect's own generator (DuckDB `range`, Snowflake `GENERATOR`, whose
row count must be a constant anyway). The dialect only decides how the result is fetched.

The warehouse key is added in Python, by `warehouse_key` itself once per (account,
WAREHOUSE_ID) pair, then spread over the pair's rows: `safe_name` (a regex slug and a sha256
prefix) keeps a single definition, and this costs about 2 s for 10,000 warehouses x 730 days.
"""

import numpy as np
import pandas as pd

from mlops_common.safe_names import plain_identifier
from snowpatrol_assets.usage.columns import (
    ACCOUNT,
    CREDIT_COLUMNS,
    USAGE_DATE,
    WAREHOUSE,
    WAREHOUSE_ID,
    WAREHOUSE_KEY,
    warehouse_key,
)
from snowpatrol_assets.usage.matrix import BAND_DAYS, MATRIX_COLUMNS, MOVING_AVG, MOVING_STD

DUCKDB, SNOWFLAKE = "duckdb", "snowflake"
DIALECTS = (DUCKDB, SNOWFLAKE)
DAY_DIGITS = 5
"""Days are numbered with this many decimal digits: histories of up to 100,000 days."""

_FLOAT_COLUMNS = [*CREDIT_COLUMNS, MOVING_AVG, MOVING_STD]

_DAILY_MATRIX_SQL = """
WITH daily AS (
    SELECT ACCOUNT_NAME, WAREHOUSE_ID, CAST(START_TIME AS DATE) AS USAGE_DATE,
           SUM(CREDITS_USED) AS CREDITS_USED,
           SUM(CREDITS_USED_COMPUTE) AS CREDITS_USED_COMPUTE,
           SUM(CREDITS_USED_CLOUD_SERVICES) AS CREDITS_USED_CLOUD_SERVICES,
           MAX(START_TIME) AS LAST_START,
           MAX_BY(WAREHOUSE_NAME, START_TIME) AS LAST_NAME
    FROM {table}
    GROUP BY ACCOUNT_NAME, WAREHOUSE_ID, CAST(START_TIME AS DATE)
),
warehouses AS (
    SELECT ACCOUNT_NAME, WAREHOUSE_ID, MAX_BY(LAST_NAME, LAST_START) AS WAREHOUSE_NAME,
           MIN(USAGE_DATE) AS FIRST_DAY
    FROM daily
    GROUP BY ACCOUNT_NAME, WAREHOUSE_ID
),
digits AS (
    SELECT d FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS t (d)
),
calendar AS (
    SELECT bounds.HISTORY_START + offsets.n AS USAGE_DATE
    FROM (
        SELECT MIN(USAGE_DATE) AS HISTORY_START, MAX(USAGE_DATE) AS HISTORY_END FROM daily
    ) AS bounds
    JOIN (SELECT {day_number} AS n FROM {digit_columns}) AS offsets
      ON offsets.n <= bounds.HISTORY_END - bounds.HISTORY_START
),
complete AS (
    SELECT w.ACCOUNT_NAME, w.WAREHOUSE_ID, w.WAREHOUSE_NAME, c.USAGE_DATE,
           COALESCE(d.CREDITS_USED, 0) AS CREDITS_USED,
           COALESCE(d.CREDITS_USED_COMPUTE, 0) AS CREDITS_USED_COMPUTE,
           COALESCE(d.CREDITS_USED_CLOUD_SERVICES, 0) AS CREDITS_USED_CLOUD_SERVICES
    FROM warehouses AS w
    JOIN calendar AS c ON c.USAGE_DATE >= w.FIRST_DAY
    LEFT JOIN daily AS d
      ON d.ACCOUNT_NAME = w.ACCOUNT_NAME AND d.WAREHOUSE_ID = w.WAREHOUSE_ID
     AND d.USAGE_DATE = c.USAGE_DATE
)
SELECT ACCOUNT_NAME, WAREHOUSE_ID, WAREHOUSE_NAME, USAGE_DATE,
       CREDITS_USED, CREDITS_USED_COMPUTE, CREDITS_USED_CLOUD_SERVICES,
       AVG(CREDITS_USED) OVER ({band}) AS {moving_avg},
       COALESCE(STDDEV_SAMP(CREDITS_USED) OVER ({band}), 0) AS {moving_std}
FROM complete
ORDER BY ACCOUNT_NAME, WAREHOUSE_ID, USAGE_DATE
"""


def daily_matrix_sql(table: str, dialect: str) -> str:
    """The query returning the complete daily matrix of the hourly metering in `table`.

    `table` is a code constant naming the table the IO manager stores `warehouse_metering` in
    (`schema.table` or `database.schema.table`); it must be plain identifiers, as nothing else
    may be formatted into SQL. Columns: those of `MATRIX_COLUMNS` except the warehouse key,
    ordered by account, WAREHOUSE_ID and day.
    """
    _check_dialect(dialect)
    return _DAILY_MATRIX_SQL.format(
        table=plain_identifier(table),
        day_number=" + ".join(f"{10**i} * d{i}.d" for i in range(DAY_DIGITS)),
        digit_columns=" CROSS JOIN ".join(f"digits AS d{i}" for i in range(DAY_DIGITS)),
        band="PARTITION BY ACCOUNT_NAME, WAREHOUSE_ID ORDER BY USAGE_DATE "
        f"ROWS BETWEEN {BAND_DAYS - 1} PRECEDING AND CURRENT ROW",
        moving_avg=MOVING_AVG,
        moving_std=MOVING_STD,
    )


def read_daily_matrix(connection_or_cursor, table: str, dialect: str) -> pd.DataFrame:
    """The complete daily matrix of `table`, computed in the database: the columns, dtypes and
    rows `daily_usage_matrix` builds from the same metering, idle days included.

    DuckDB: a DuckDB connection. Snowflake: a snowflake.connector connection or cursor.
    """
    sql = daily_matrix_sql(table, dialect)
    if dialect == DUCKDB:
        matrix = connection_or_cursor.execute(sql).df()
    else:
        cursor = getattr(connection_or_cursor, "cursor", lambda: connection_or_cursor)()
        cursor.execute(sql)
        matrix = cursor.fetch_pandas_all()
    return _as_matrix(matrix)


def _as_matrix(rows: pd.DataFrame) -> pd.DataFrame:
    """The query's rows with `daily_usage_matrix`'s dtypes and its warehouse key column."""
    rows.columns = [str(name).upper() for name in rows.columns]
    warehouses = rows.groupby([ACCOUNT, WAREHOUSE_ID], sort=False)
    keys = [warehouse_key(account, number) for account, number in warehouses.size().index]
    columns = {
        ACCOUNT: rows[ACCOUNT].astype(object),
        WAREHOUSE_ID: rows[WAREHOUSE_ID].astype("int64"),
        WAREHOUSE: rows[WAREHOUSE].astype(object),
        WAREHOUSE_KEY: np.array(keys, dtype=object)[warehouses.ngroup().to_numpy()],
        USAGE_DATE: pd.to_datetime(rows[USAGE_DATE]).astype("datetime64[ns]"),
        **{name: rows[name].astype("float64") for name in _FLOAT_COLUMNS},
    }
    return pd.DataFrame({name: columns[name] for name in MATRIX_COLUMNS}, copy=False)


def _check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; use one of {DIALECTS}")
