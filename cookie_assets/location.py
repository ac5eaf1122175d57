"""Names and UI kinds of the cookie code location."""

from mlops_common.environment import is_production
from mlops_common.storage import table_kinds

LOCATION = "cookie"
SCHEMA = "cookie"
TABLE_KINDS = table_kinds()
MODEL_KINDS = {"snowflake", "snowpark"} if is_production() else {"scikitlearn"}
