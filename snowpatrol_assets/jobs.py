"""Jobs the schedule and sensors launch."""

from dagster import AssetSelection, define_asset_job

refresh_metering = define_asset_job(
    "refresh_metering",
    selection=AssetSelection.assets("warehouse_metering"),
    description="Re-pulls recent usage days from Snowflake (late corrections included).",
)

train_warehouse_models = define_asset_job(
    "train_warehouse_models",
    selection=AssetSelection.assets("warehouse_anomaly_models"),
    description="Trains the anomaly models of the selected warehouses.",
)
