"""Resources for the Snowpatrol location, chosen once from DAGSTER_DEPLOYMENT."""

import os

from dagster import EnvVar

from mlops_common.alerting import alert_sink
from mlops_common.environment import is_production, local_data_dir
from mlops_common.model_store import local_model_store
from mlops_common.report_store import LocalReportStore, S3ReportStore
from mlops_common.storage import (
    local_table_database,
    snowflake_connection_fields,
    table_io_manager,
)
from snowpatrol_assets.feedback import LocalAnomalyFeedback, SnowflakeAnomalyFeedback
from snowpatrol_assets.pricing import CreditPrice
from snowpatrol_assets.sources import SimulatedAccountSource
from snowpatrol_assets.usage_tables import LocalUsageTables, SnowflakeUsageTables

LOCATION = "snowpatrol"


def build_resources() -> dict:
    """Local: DuckDB, the simulated account, a local model store and outbox. Prod: Snowflake, W&B,
    Slack."""
    resources = {"io_manager": table_io_manager(LOCATION), "alerts": alert_sink(LOCATION)}
    price = {
        "price_per_credit": float(os.environ.get("SNOWPATROL_PRICE_PER_CREDIT", "3.0")),
        "currency": os.environ.get("SNOWPATROL_CURRENCY", "USD"),
    }
    if not is_production():
        return {
            **resources,
            "usage_source": SimulatedAccountSource(),
            "model_store": local_model_store(LOCATION),
            "credit_price": CreditPrice(**price),
            "anomaly_feedback": LocalAnomalyFeedback(
                database=str(local_data_dir() / "snowpatrol_feedback.duckdb")
            ),
            "report_store": LocalReportStore(folder=str(local_data_dir() / "reports" / LOCATION)),
            "usage_tables": LocalUsageTables(
                database=local_table_database(LOCATION), schema_name=LOCATION
            ),
        }
    from dagster_snowflake import SnowflakeResource

    from mlops_common.wandb_store import WandbModelStore
    from snowpatrol_assets.pricing import OrganizationCreditPrice
    from snowpatrol_assets.sources import SnowflakeUsageSource

    snowflake = SnowflakeResource(**snowflake_connection_fields())
    return {
        **resources,
        "usage_source": SnowflakeUsageSource(
            snowflake=snowflake,
            usage_schema=os.environ.get("SNOWPATROL_USAGE_SCHEMA", "ORGANIZATION_USAGE"),
        ),
        "credit_price": OrganizationCreditPrice(snowflake=snowflake, **price),
        "anomaly_feedback": SnowflakeAnomalyFeedback(
            snowflake=snowflake, schema_name=LOCATION.upper()
        ),
        "usage_tables": SnowflakeUsageTables(
            snowflake=snowflake,
            database=EnvVar("SNOWFLAKE_DATABASE"),
            schema_name=LOCATION.upper(),
        ),
        "report_store": S3ReportStore(
            bucket=EnvVar("SNOWPATROL_REPORT_BUCKET"),
            prefix=os.environ.get("SNOWPATROL_REPORT_PREFIX", "snowpatrol/reports"),
            region_name=os.environ.get("AWS_REGION"),
        ),
        "model_store": WandbModelStore(
            api_key=EnvVar("WANDB_API_KEY"),
            project=os.environ.get("WANDB_PROJECT", "snowpatrol"),
            entity=os.environ.get("WANDB_ENTITY"),
        ),
    }
