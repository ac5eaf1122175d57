"""A deterministic, labelled simulation of a Snowflake organisation's warehouse metering."""

from snowpatrol_assets.simulation.account import (
    SIMULATED_WAREHOUSES,
    SIMULATION_START,
    WarehouseProfile,
    injected_anomalies,
    simulate_metering,
)
from snowpatrol_assets.simulation.fleet import configured_fleet, evaluation_fleet, simulated_fleet

__all__ = [
    "SIMULATED_WAREHOUSES",
    "SIMULATION_START",
    "WarehouseProfile",
    "configured_fleet",
    "evaluation_fleet",
    "injected_anomalies",
    "simulate_metering",
    "simulated_fleet",
]
