"""Does the drift test see real changes of usage, and stay quiet otherwise?

    .venv/bin/python benchmarks/drift_quality.py

On generated fleets (60 warehouses, seeds 7 and 11, never tuned on), every persistent level
shift the simulation made (a workload moved in or out for good) is tested a week after it
began: the share reaching p < 0.01. On the default ACME fleet and the second account, the
fleet is tested every 14 days: how many warehouses Benjamini-Hochberg calls drifted per check
(those are retrains). Both for `usage_drift` (the current test) and the previous one, the KS
test of the moving-average decomposition's residual.
"""

from datetime import date, timedelta

import pandas as pd

from snowpatrol_assets.detection import decompose, drifted_warehouses, ks_drift, usage_drift
from snowpatrol_assets.simulation import SIMULATED_WAREHOUSES, simulate_metering, simulated_fleet
from snowpatrol_assets.simulation.fleet import evaluation_fleet
from snowpatrol_assets.usage.columns import warehouse_key
from snowpatrol_assets.usage.features import classify_warehouses, warehouse_series
from snowpatrol_assets.usage.matrix import daily_usage_matrix

START, END = date(2025, 10, 1), date(2026, 11, 30)
TESTS = {
    "usage_drift": usage_drift,
    "residual_ks (previous)": lambda credits: ks_drift(decompose(credits)["residual"]),
}


def main() -> None:
    for seed in (7, 11):
        fleet = simulated_fleet(60, seed)
        series = {key: credits for key, _, _, credits in warehouse_series(matrix_of(fleet))}
        shifts = [
            (series[warehouse_key(wh.account, wh.warehouse_id)], wh.level_shift_day)
            for wh in fleet
            if wh.level_shift_day
            and START + timedelta(days=70) <= wh.level_shift_day < END - timedelta(days=7)
        ]
        for name, test in TESTS.items():
            seen = sum(
                test(credits[credits.index <= pd.Timestamp(day + timedelta(days=6))]).p_value < 0.01
                for credits, day in shifts
            )
            print(f"seed {seed}, {name}: {seen} of {len(shifts)} level shifts at p < 0.01")
    for label, fleet in (("ACME", SIMULATED_WAREHOUSES), ("second account", evaluation_fleet())):
        matrix = matrix_of(fleet)
        for name, test in TESTS.items():
            counts = []
            for as_of in pd.date_range("2026-01-15", "2026-11-25", freq="14D"):
                known = matrix[matrix["USAGE_DATE"] <= as_of]
                active = set(classify_warehouses(known).active)
                drift = {k: test(c) for k, _, _, c in warehouse_series(known, active)}
                counts.append(len(drifted_warehouses(drift).drifted))
            print(
                f"{label} ({len(fleet)} warehouses), {name}: {sum(counts) / len(counts):.2f} "
                f"drifted per check over {len(counts)} checks (max {max(counts)})"
            )


def matrix_of(fleet) -> pd.DataFrame:
    last_day = pd.Timestamp(END - timedelta(days=1))
    return daily_usage_matrix(simulate_metering(START, END, fleet), last_day)


if __name__ == "__main__":
    main()
