"""What a credit costs: a configured price locally, the organisation's own rate in production."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dagster import ConfigurableResource
from pydantic import Field

from mlops_common.safe_names import plain_identifier
from snowpatrol_assets.usage.columns import ACCOUNT, USAGE_DATE

if TYPE_CHECKING:
    import pandas as pd

PRICE, CURRENCY, COST, EXCESS_COST = "PRICE_PER_CREDIT", "CURRENCY", "COST", "EXCESS_COST"
DEFAULT_PRICE_PER_CREDIT = 3.0
DEFAULT_CURRENCY = "USD"


class CreditPrice(ConfigurableResource):
    """Prices scored warehouse-days: adds PRICE_PER_CREDIT, CURRENCY, COST and EXCESS_COST."""

    price_per_credit: float = Field(
        default=DEFAULT_PRICE_PER_CREDIT,
        description="Price of one compute credit, used where no organisation rate is known.",
    )
    currency: str = Field(default=DEFAULT_CURRENCY, description="Currency of that price.")

    def rates(self, accounts: list[str], first_day, last_day) -> pd.DataFrame:
        """ACCOUNT_NAME, USAGE_DATE, PRICE_PER_CREDIT, CURRENCY of known daily rates."""
        import pandas as pd

        return pd.DataFrame(columns=[ACCOUNT, USAGE_DATE, PRICE, CURRENCY])

    def priced(self, scores: pd.DataFrame) -> pd.DataFrame:
        """`scores` (ACCOUNT_NAME, USAGE_DATE, CREDITS_USED, EXCESS_CREDITS) with their cost."""
        if scores.empty:
            return scores.assign(**{PRICE: [], CURRENCY: [], COST: [], EXCESS_COST: []})
        rates = self.rates(
            sorted(scores[ACCOUNT].unique()), scores[USAGE_DATE].min(), scores[USAGE_DATE].max()
        )
        rates = rates.astype({USAGE_DATE: "datetime64[ns]", PRICE: "float64"})
        priced = scores.merge(rates, on=[ACCOUNT, USAGE_DATE], how="left")
        priced[PRICE] = priced[PRICE].fillna(self.price_per_credit)
        priced[CURRENCY] = priced[CURRENCY].fillna(self.currency)
        priced[COST] = priced["CREDITS_USED"] * priced[PRICE]
        priced[EXCESS_COST] = priced["EXCESS_CREDITS"].clip(lower=0.0) * priced[PRICE]
        return priced.reset_index(drop=True)


RATE_SQL = """
SELECT ACCOUNT_NAME, DATE, EFFECTIVE_RATE, CURRENCY
FROM {database}.ORGANIZATION_USAGE.RATE_SHEET_DAILY
WHERE USAGE_TYPE = %(usage_type)s AND DATE >= %(first_day)s AND DATE <= %(last_day)s
"""
COMPUTE_USAGE_TYPE = "compute"


class OrganizationCreditPrice(CreditPrice):
    """The organisation's effective compute rate per account and day, from
    SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY (bound parameters); days or accounts without
    a rate fall back to the configured price."""

    snowflake: ConfigurableResource = Field(description="A dagster_snowflake.SnowflakeResource.")
    source_database: str = Field(default="SNOWFLAKE", description="Database of the usage views.")

    def rates(self, accounts: list[str], first_day, last_day) -> pd.DataFrame:
        import pandas as pd

        parameters = {
            "usage_type": COMPUTE_USAGE_TYPE,
            "first_day": pd.Timestamp(first_day).date(),
            "last_day": pd.Timestamp(last_day).date(),
        }
        with self.snowflake.get_connection() as connection:
            cursor = connection.cursor()
            cursor.execute(
                RATE_SQL.format(database=plain_identifier(self.source_database)), parameters
            )
            rows = cursor.fetchall()
        frame = pd.DataFrame(rows, columns=[ACCOUNT, USAGE_DATE, PRICE, CURRENCY])
        frame[USAGE_DATE] = pd.to_datetime(frame[USAGE_DATE])
        frame[PRICE] = frame[PRICE].astype(float)
        return frame[frame[ACCOUNT].isin(accounts)]
