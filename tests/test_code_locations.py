"""Both code locations load on the local defaults without importing the heavy libraries."""

import json
import subprocess
import sys

import pytest

HEAVY = [
    "pandas",
    "duckdb",
    "sklearn",
    "statsmodels",
    "scipy",
    "matplotlib",
    "snowflake.ml",
    "snowflake.snowpark",
    "dagster_snowflake",
    "wandb",
    "slack_sdk",
    "boto3",
    "dagster_aws",
]


@pytest.mark.parametrize("module", ["snowpatrol_assets.definitions", "cookie_assets.definitions"])
def test_location_loads_without_heavy_imports(module):
    code = (
        f"import json, sys, {module} as d; d.defs().get_repository_def(); "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
