"""Decides whether the project runs on local embedded services or on production services."""

import os
from enum import StrEnum
from pathlib import Path

DEPLOYMENT_ENV_VAR = "DAGSTER_DEPLOYMENT"


class Deployment(StrEnum):
    LOCAL = "local"
    PROD = "prod"


def current_deployment() -> Deployment:
    """The deployment named by DAGSTER_DEPLOYMENT (default: local)."""
    raw = os.environ.get(DEPLOYMENT_ENV_VAR, Deployment.LOCAL).strip().lower()
    try:
        return Deployment(raw)
    except ValueError:
        allowed = ", ".join(d.value for d in Deployment)
        raise ValueError(
            f"{DEPLOYMENT_ENV_VAR}={raw!r} is not a known deployment; use one of: {allowed}"
        ) from None


def is_production() -> bool:
    return current_deployment() is Deployment.PROD


def local_data_dir() -> Path:
    """Where local tables, models, reports and the alert outbox live: $DAGSTER_HOME/local_data."""
    home = Path(os.environ.get("DAGSTER_HOME") or ".dagster_home").resolve()
    return home / "local_data"
