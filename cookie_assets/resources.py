"""The cookie location's resources: the local set or the production set, for the deployment its
definitions root decided."""

import os
from typing import Any

from dagster import EnvVar

from cookie_assets.compute import SnowparkCompute, TrainingCompute
from cookie_assets.contract import BOX_COLUMNS
from cookie_assets.landing import LocalLandingZone, S3LandingZone
from cookie_assets.location import LOCATION, SCHEMA
from cookie_assets.registry import SnowflakeRegistryModelStore
from mlops_common.column_names import ColumnNames
from mlops_common.environment import Deployment, local_data_dir
from mlops_common.resource_sets import (
    local_model_store,
    local_outbox,
    local_tables,
    slack_channel,
    snowflake_connection_fields,
    snowflake_tables,
)

COLUMN_NAMES = ColumnNames(lower_case=True, spellings=BOX_COLUMNS)
"""Lower-case column names, except the cookie types' box counts (`Läckerli_boxes`)."""


def build_resources(deployment: Deployment = Deployment.LOCAL) -> dict[str, Any]:
    """Local: DuckDB, a landing folder with generated cohorts, pandas training, a local model
    store and outbox. Prod: Snowflake tables, S3, Snowpark ML, the Model Registry, Slack."""
    return production_resources() if deployment is Deployment.PROD else local_resources()


def added_kinds(deployment: Deployment) -> dict[str, set[str]]:
    """Kinds the deployment adds to assets by what they are: where tables are stored, and
    where models are fitted and kept in production."""
    if deployment is Deployment.PROD:
        return {"pandas": {"snowflake"}, "scikitlearn": {"snowflake", "snowpark"}}
    return {"pandas": {"duckdb"}}


def local_resources() -> dict[str, Any]:
    return {
        "io_manager": local_tables(SCHEMA, COLUMN_NAMES),
        "landing": LocalLandingZone(root=str(local_data_dir() / "landing" / LOCATION)),
        "compute": TrainingCompute(),
        "model_store": local_model_store(LOCATION),
        "alerts": local_outbox(LOCATION),
    }


def production_resources() -> dict[str, Any]:
    """S3 (COOKIE_S3_BUCKET, optional COOKIE_S3_PREFIX / _ENDPOINT_URL, AWS_REGION), Snowpark ML
    (optional COOKIE_SNOWPARK_WAREHOUSE) and the Model Registry in the cookie schema."""
    snowflake = {**snowflake_connection_fields(), "schema_name": SCHEMA.upper()}
    return {
        "io_manager": snowflake_tables(SCHEMA, COLUMN_NAMES),
        "landing": S3LandingZone(
            bucket=EnvVar("COOKIE_S3_BUCKET"),
            **_optional_settings(
                prefix="COOKIE_S3_PREFIX",
                endpoint_url="COOKIE_S3_ENDPOINT_URL",
                region_name="AWS_REGION",
            ),
        ),
        "compute": SnowparkCompute(
            **snowflake, **_optional_settings(snowpark_warehouse="COOKIE_SNOWPARK_WAREHOUSE")
        ),
        "model_store": SnowflakeRegistryModelStore(**snowflake),
        "alerts": slack_channel(),
    }


def _optional_settings(**variables: str) -> dict[str, EnvVar]:
    """field -> EnvVar for each variable that is set (unset ones keep the field's default)."""
    return {field: EnvVar(name) for field, name in variables.items() if os.environ.get(name)}
