"""A few simulated warehouses as in-memory frames, and Snowpatrol's assets called on them.

The middle of the test ladder: the assets with logic are called through their public signature
(inputs, config, resources) on frames built here, without the ingest steps, a table IO manager
or the rest of the graph.
"""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
from dagster import AssetSpec, DagsterInstance, IOManager, materialize

from snowpatrol_assets.assets.models import warehouse_anomaly_models
from snowpatrol_assets.feedback import LocalAnomalyFeedback
from snowpatrol_assets.partitions import warehouses
from snowpatrol_assets.sensors import RANGE_END, RANGE_START
from snowpatrol_assets.simulation import SIMULATED_WAREHOUSES, WarehouseProfile, simulate_metering
from snowpatrol_assets.sources import UsageSource
from snowpatrol_assets.usage.columns import CREDITS, USAGE_DATE, WAREHOUSE_KEY, warehouse_key
from snowpatrol_assets.usage.features import classify_warehouses, with_status
from snowpatrol_assets.usage.matrix import daily_usage_matrix

FIRST_DAY, END = date(2026, 4, 1), date(2026, 10, 1)  # usage days [FIRST_DAY, END)
HOSTILE_NAME = "ETL | NIGHTLY\nWH"
_PROFILES = {wh.name: wh for wh in SIMULATED_WAREHOUSES}
FLEET = (
    replace(_PROFILES["ETL_NIGHTLY_WH"], name=HOSTILE_NAME),
    _PROFILES["LOOKER_BI_WH"],
    _PROFILES["MARKETING BI 'EU'"],
    _PROFILES["ML_TRAINING_WH"],
    _PROFILES["LEGACY_REPORTING_WH"],  # silent from 2026-08-17: dropped
    WarehouseProfile("ACME_DEV", 299, "BRAND_NEW_WH", "etl", 6.0, created=date(2026, 9, 24)),
)
SPIKED = warehouse_key("ACME_PROD", 101)  # the hostile-named ETL warehouse
SPIKE_DAY = pd.Timestamp("2026-09-03")  # an ordinary day of its warehouse
SPIKE_FACTOR = 6.0
ACTIVE = [warehouse_key("ACME_PROD", i) for i in (101, 105, 107, 111)]
DROPPED = warehouse_key("ACME_PROD", 114)
TOO_SHORT = warehouse_key("ACME_DEV", 299)


def daily_usage() -> pd.DataFrame:
    """`warehouse_daily_usage` of FLEET over [FIRST_DAY, END), with each warehouse's status, and
    SPIKED using SPIKE_FACTOR times its credits on SPIKE_DAY."""
    matrix = daily_usage_matrix(simulate_metering(FIRST_DAY, END, FLEET), pd.Timestamp(END))
    matrix = matrix[matrix[USAGE_DATE] < pd.Timestamp(END)].reset_index(drop=True)
    spike = (matrix[WAREHOUSE_KEY] == SPIKED) & (matrix[USAGE_DATE] == SPIKE_DAY)
    matrix.loc[spike, CREDITS] *= SPIKE_FACTOR
    return with_status(matrix, classify_warehouses(matrix))


class FramesIOManager(IOManager):
    """Hands assets the frames it was given and keeps what they produce, by asset name."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = dict(frames)

    def handle_output(self, context, obj):
        self.frames[context.asset_key.to_user_string()] = obj

    def load_input(self, context):
        return self.frames[context.asset_key.to_user_string()]


def warehouse_instance(usage: pd.DataFrame) -> DagsterInstance:
    """An ephemeral instance with a warehouse partition for every warehouse in `usage`."""
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(warehouses.name, sorted(usage[WAREHOUSE_KEY].unique()))
    return instance


def train(
    instance, usage, model_store, first: str, last: str | None = None, method=None, feedback=None
):
    """Runs `warehouse_anomaly_models` for the warehouse partitions [first, last] on `usage`, as
    a backfill of that range does; returns the run result and the models table it produced.
    Known anomalies come from `feedback` only (none by default): the source labels none.

    A run, not a direct call: the asset files its models under the run's id and records metadata
    per warehouse partition, which only a run has.
    """
    frames = FramesIOManager({"warehouse_daily_usage": usage})
    feedback = feedback or LocalAnomalyFeedback(
        database=str(Path(model_store.root).with_name("feedback.duckdb"))
    )
    result = materialize(
        [AssetSpec("warehouse_daily_usage"), warehouse_anomaly_models],
        instance=instance,
        resources={
            "io_manager": frames,
            "model_store": model_store,
            "usage_source": UsageSource(),
            "anomaly_feedback": feedback,
        },
        tags={RANGE_START: first, RANGE_END: last or first},
        run_config={"ops": {"warehouse_anomaly_models": {"config": {"method": method}}}}
        if method
        else None,
    )
    return result, frames.frames["warehouse_anomaly_models"]
