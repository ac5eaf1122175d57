"""Month-end spend outlook of warehouses and accounts; pure pandas, imports no Dagster."""

from snowpatrol_assets.outlook.budget import budget_status, with_cost
from snowpatrol_assets.outlook.forecast import MonthEndForecast, forecast_month_end
from snowpatrol_assets.outlook.month_end import OUTLOOK_COLUMNS, month_end_outlook

__all__ = [
    "OUTLOOK_COLUMNS",
    "MonthEndForecast",
    "budget_status",
    "forecast_month_end",
    "month_end_outlook",
    "with_cost",
]
