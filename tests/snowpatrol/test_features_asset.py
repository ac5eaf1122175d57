"""`warehouse_usage_features` called on a small fleet in memory: the active warehouses are
decomposed, and the drift decision the retraining sensor acts on is in the check's metadata."""

import pandas as pd
from dagster import AssetCheckSeverity, build_asset_context

from snowpatrol_assets.assets.features import warehouse_usage_features
from tests.snowpatrol.small_fleet import ACTIVE


def features_of(usage):
    output, check = warehouse_usage_features(build_asset_context(), warehouse_daily_usage=usage)
    return output, check


def test_only_active_warehouses_are_decomposed_day_by_day(fleet_usage):
    output, _ = features_of(fleet_usage)

    features = output.value
    assert sorted(features["WAREHOUSE_KEY"].unique()) == ACTIVE
    days = fleet_usage[fleet_usage["WAREHOUSE_KEY"].isin(ACTIVE)].groupby("WAREHOUSE_KEY").size()
    assert features.groupby("WAREHOUSE_KEY").size().to_dict() == days.to_dict()
    rebuilt = features["TREND"] + features["SEASONAL"] + features["RESIDUAL"]
    assert (rebuilt - features["CREDITS"]).abs().max() < 1e-6
    assert output.metadata["active_warehouses"].value == ACTIVE


def test_a_stable_fleet_passes_the_drift_check_and_lists_every_warehouse_tested(fleet_usage):
    output, check = features_of(fleet_usage)

    assert check.passed and check.metadata["drifted_warehouses"].value == []
    assert check.metadata["tested_count"].value == len(ACTIVE)
    rows = [r for r in check.metadata["per_warehouse"].value.splitlines() if "| stable |" in r]
    assert sorted(r.split(" | ")[0].removeprefix("| ") for r in rows) == ACTIVE
    assert output.metadata["drifted_warehouses"].value == []


def test_a_warehouse_whose_last_week_tripled_is_called_drifted_and_named(fleet_usage):
    shifted = ACTIVE[1]
    # The ad-hoc ML warehouse's last week sits at p = 0.02 by itself; one real discovery lifts
    # Benjamini-Hochberg's step-up threshold over that on a 4-warehouse fleet, so it is left out
    # for the test to name exactly one warehouse.
    usage = fleet_usage[fleet_usage["WAREHOUSE_KEY"] != ACTIVE[3]].copy()
    last_week = (usage["WAREHOUSE_KEY"] == shifted) & (
        usage["USAGE_DATE"] > usage["USAGE_DATE"].max() - pd.Timedelta(days=7)
    )
    usage.loc[last_week, "CREDITS_USED"] *= 3

    output, check = features_of(usage)

    assert not check.passed and check.severity == AssetCheckSeverity.WARN
    assert check.metadata["drifted_warehouses"].value == [shifted]
    assert check.metadata["drifted_count"].value == 1
    table = check.metadata["per_warehouse"].value.splitlines()
    assert [row for row in table if "drifted" in row] == [
        row for row in table if row.startswith(f"| {shifted} |")
    ]
    assert output.metadata["drifted_warehouses"].value == [shifted]
