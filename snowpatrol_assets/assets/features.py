"""Per-warehouse seasonal decomposition, with the KS drift check that drives retraining."""

from typing import Literal

from dagster import (
    AssetExecutionContext,
    AutomationCondition,
    Config,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from mlops_common.storage import table_kinds
from snowpatrol_assets.checks import drift_check_spec

GROUP = "snowpatrol_features"


class FeatureConfig(Config):
    decomposition: Literal["classical", "robust_stl"] = Field(
        default="classical",
        description="classical: the seed's moving-average decomposition. robust_stl: STL with "
        "robust weights, which keeps multi-day runaway usage out of the trend.",
    )


@asset(
    check_specs=[drift_check_spec("warehouse_usage_features")],
    automation_condition=AutomationCondition.eager(),
    group_name=GROUP,
    kinds=table_kinds() | {"statsmodels"},
)
def warehouse_usage_features(
    context: AssetExecutionContext, config: FeatureConfig, warehouse_daily_usage
):
    """Daily credits of every active warehouse split into trend, weekly seasonality and residual.

    The residual is what is left once the usual weekly pattern and growth are taken out; the
    anomaly models learn what a normal residual looks like. Dropped warehouses (silent for 30
    days) and those with under two weeks of history are left out and named in the log.
    """
    from snowpatrol_assets.check_results import drift_check_result
    from snowpatrol_assets.detection.drift import ks_drift
    from snowpatrol_assets.usage.features import (
        classify_warehouses,
        residuals,
        warehouse_features,
    )

    status = classify_warehouses(warehouse_daily_usage)
    for key, days in status.too_short.items():
        context.log.warning(f"Warehouse {key!r} has only {days} days of history; not modelled yet")
    for key, last_used in status.dropped.items():
        context.log.warning(f"Warehouse {key!r} is not scored: no usage since {last_used}")
    features = warehouse_features(warehouse_daily_usage, status.active, config.decomposition)
    drift = {key: ks_drift(residuals(features, key)["residual"]) for key in status.active}
    drifted = sorted(key for key, result in drift.items() if result.drifted)
    yield Output(
        features,
        metadata={
            "rows": len(features),
            "decomposition": config.decomposition,
            "active_warehouses": MetadataValue.json(status.active),
            "drifted_warehouses": MetadataValue.json(drifted),
            "not_modelled": MetadataValue.json(
                {k: f"only {d} days of history" for k, d in status.too_short.items()}
                | {k: f"dropped, no usage since {d}" for k, d in status.dropped.items()}
            ),
        },
    )
    yield drift_check_result(drift)
