"""Column names of the metering tables, as in Snowflake's WAREHOUSE_METERING_HISTORY."""

from mlops_common.safe_names import safe_name

ACCOUNT = "ACCOUNT_NAME"
WAREHOUSE_ID = "WAREHOUSE_ID"
WAREHOUSE = "WAREHOUSE_NAME"
START_TIME = "START_TIME"
END_TIME = "END_TIME"
CREDITS = "CREDITS_USED"
CREDITS_COMPUTE = "CREDITS_USED_COMPUTE"
CREDITS_CLOUD = "CREDITS_USED_CLOUD_SERVICES"
METERING_COLUMNS = [
    ACCOUNT,
    WAREHOUSE_ID,
    WAREHOUSE,
    START_TIME,
    END_TIME,
    CREDITS,
    CREDITS_COMPUTE,
    CREDITS_CLOUD,
]
CREDIT_COLUMNS = [CREDITS, CREDITS_COMPUTE, CREDITS_CLOUD]

WAREHOUSE_KEY = "WAREHOUSE_KEY"
USAGE_DATE = "USAGE_DATE"
WAREHOUSE_STATUS = "WAREHOUSE_STATUS"


def warehouse_key(account: str, warehouse_id: int) -> str:
    """The warehouse's partition key: its account and stable WAREHOUSE_ID, e.g. `ACME_PROD/101`.

    Warehouse names come from data: they may hold quotes, backslashes, newlines or slashes and
    run to 255 characters, and a warehouse can be renamed. The key is built from what cannot
    break SQL literals, file names or artifact names (see `safe_name`), and it survives a
    rename; the readable names travel as columns and metadata.
    """
    return f"{safe_name(account)}/{int(warehouse_id)}"


def warehouse_id_of(key: str) -> int:
    """The WAREHOUSE_ID a key built by `warehouse_key` carries."""
    return int(key.rsplit("/", 1)[1])
