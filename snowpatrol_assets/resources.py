"""The Snowpatrol location's resources: the local set or the production set, for the deployment
its definitions root decided."""

import os

from dagster import EnvVar

from mlops_common.environment import Deployment, local_data_dir
from mlops_common.report_store import LocalReportStore, S3ReportStore
from mlops_common.resource_sets import (
    local_model_store,
    local_outbox,
    local_table_database,
    local_tables,
    slack_channel,
    snowflake_connection_fields,
    snowflake_tables,
)
from snowpatrol_assets.feedback import LocalAnomalyFeedback, SnowflakeAnomalyFeedback
from snowpatrol_assets.pricing import CreditPrice
from snowpatrol_assets.sources import SimulatedAccountSource
from snowpatrol_assets.usage_tables import LocalUsageTables, SnowflakeUsageTables

LOCATION = "snowpatrol"


def build_resources(deployment: Deployment = Deployment.LOCAL) -> dict:
    """Local: DuckDB, the simulated account, a local model store and outbox. Prod: Snowflake,
    W&B, S3 and Slack."""
    return production_resources() if deployment is Deployment.PROD else local_resources()


def added_kinds(deployment: Deployment) -> dict[str, set[str]]:
    """Kinds the deployment adds to assets by what they are: where tables are stored."""
    return {"pandas": {"snowflake" if deployment is Deployment.PROD else "duckdb"}}


def _price() -> dict:
    return {
        "price_per_credit": float(os.environ.get("SNOWPATROL_PRICE_PER_CREDIT", "3.0")),
        "currency": os.environ.get("SNOWPATROL_CURRENCY", "USD"),
    }


def local_resources() -> dict:
    return {
        "io_manager": local_tables(LOCATION),
        "alerts": local_outbox(LOCATION),
        "usage_source": SimulatedAccountSource(),
        "model_store": local_model_store(LOCATION),
        "credit_price": CreditPrice(**_price()),
        "anomaly_feedback": LocalAnomalyFeedback(
            database=str(local_data_dir() / "snowpatrol_feedback.duckdb")
        ),
        "report_store": LocalReportStore(folder=str(local_data_dir() / "reports" / LOCATION)),
        "usage_tables": LocalUsageTables(
            database=local_table_database(LOCATION), schema_name=LOCATION
        ),
    }


def production_resources() -> dict:
    from dagster_snowflake import SnowflakeResource

    from mlops_common.wandb_store import WandbModelStore
    from snowpatrol_assets.pricing import OrganizationCreditPrice
    from snowpatrol_assets.sources import SnowflakeUsageSource

    snowflake = SnowflakeResource(**snowflake_connection_fields())
    return {
        "io_manager": snowflake_tables(LOCATION),
        "alerts": slack_channel(),
        "usage_source": SnowflakeUsageSource(
            snowflake=snowflake,
            usage_schema=os.environ.get("SNOWPATROL_USAGE_SCHEMA", "ORGANIZATION_USAGE"),
        ),
        "credit_price": OrganizationCreditPrice(snowflake=snowflake, **_price()),
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
