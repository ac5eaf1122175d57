"""Column names of query-level credits, as in Snowflake's ACCOUNT_USAGE views.

Rows are QUERY_ATTRIBUTION_HISTORY (compute credits attributed to each query, excluding
warehouse idle time and queries shorter than about 100 ms) joined with QUERY_HISTORY for the
role the query ran under and its sample text.
"""

from snowpatrol_assets.usage.columns import ACCOUNT, END_TIME, START_TIME, WAREHOUSE, WAREHOUSE_ID

QUERY_ID = "QUERY_ID"
QUERY_HASH = "QUERY_PARAMETERIZED_HASH"
QUERY_TEXT = "QUERY_TEXT"
QUERY_TAG = "QUERY_TAG"
USER = "USER_NAME"
ROLE = "ROLE_NAME"
ATTRIBUTED_CREDITS = "CREDITS_ATTRIBUTED_COMPUTE"
QUERY_HISTORY_COLUMNS = [
    ACCOUNT,
    WAREHOUSE_ID,
    WAREHOUSE,
    QUERY_ID,
    QUERY_HASH,
    QUERY_TEXT,
    QUERY_TAG,
    USER,
    ROLE,
    START_TIME,
    END_TIME,
    ATTRIBUTED_CREDITS,
]

DIMENSIONS = {"query": QUERY_HASH, "query_tag": QUERY_TAG, "user": USER, "role": ROLE}
"""Who or what credits can be attributed to, most specific first: a parameterized query runs
under one tag, a tag's job under one user, a user under a role."""
