"""The cookie shop's data contract: file layout, columns, allowed values and ASCII names."""

from __future__ import annotations

from datetime import date

CUSTOMER_ID = "customer_id"
COHORT = "cohort"
SOURCE_LINE = "source_line"
DAY = "day"

NUMERIC_RANGES: dict[str, tuple[int, int]] = {
    "household_members": (1, 5),
    "number_of_children": (0, 3),
    "sweetness_like": (0, 10),
    "fun_spending_budget": (20, 200),
}
CATEGORIES: dict[str, tuple[str, ...]] = {
    "favorite_color": ("red", "blue", "green", "yellow", "purple"),
    "favorite_season": ("spring", "summer", "fall", "winter"),
}
NUMERIC_FEATURES = list(NUMERIC_RANGES)
CATEGORICAL_FEATURES = list(CATEGORIES)
FEATURES = NUMERIC_FEATURES + CATEGORICAL_FEATURES
CUSTOMER_COLUMNS = [
    CUSTOMER_ID,
    "household_members",
    "number_of_children",
    "favorite_color",
    "favorite_season",
    "sweetness_like",
    "fun_spending_budget",
]

COOKIES = ("Läckerli", "Willisauer_Ringli", "Mandelbärli", "Chocolate_Brownies")
BOX_COLUMNS = [f"{cookie}_boxes" for cookie in COOKIES]
ORDER_COLUMNS = [CUSTOMER_ID, *BOX_COLUMNS]
TOTAL_BOXES = "total_boxes"
TARGETS = [*BOX_COLUMNS, TOTAL_BOXES]

CUSTOMERS_FOLDER = "trial_customers"
ORDERS_FOLDER = "orders"
NEW_CUSTOMERS_FOLDER = "new_customers"

_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}


def to_ascii(name: str) -> str:
    """The ASCII spelling of a name (ä → ae, ö → oe, ü → ue), e.g. for Snowflake model names."""
    return "".join(_UMLAUTS.get(ch, ch) for ch in name)


def customers_file(day: str) -> str:
    return f"{CUSTOMERS_FOLDER}/{day}_customers.csv"


def orders_file(day: str) -> str:
    return f"{ORDERS_FOLDER}/{day}_orders.csv"


def new_customers_file(day: str) -> str:
    return f"{NEW_CUSTOMERS_FOLDER}/{day}_customers.csv"


def day_of(file_name: str, suffix: str) -> str | None:
    """The YYYY-MM-DD day of a landing file name such as `2024-01-01_orders.csv`."""
    name = file_name.rsplit("/", 1)[-1]
    if not name.endswith(suffix):
        return None
    day = name[: -len(suffix)]
    try:
        return date.fromisoformat(day).isoformat() if len(day) == 10 else None
    except ValueError:
        return None
