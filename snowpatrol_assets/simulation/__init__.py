"""A deterministic, labelled simulation of a Snowflake organisation's warehouse metering."""

from snowpatrol_assets.simulation.account import (
    SIMULATED_WAREHOUSES,
    SIMULATION_START,
    WarehouseProfile,
    injected_anomalies,
    simulate_metering,
)

__all__ = [
    "SIMULATED_WAREHOUSES",
    "SIMULATION_START",
    "WarehouseProfile",
    "injected_anomalies",
    "simulate_metering",
]
