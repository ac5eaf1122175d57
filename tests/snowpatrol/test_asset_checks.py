"""Every metering and usage check, passing on clean data and failing on crafted bad data."""

import pytest
from dagster import materialize

from mlops_common.resource_sets import local_tables
from snowpatrol_assets.assets.ingest import warehouse_daily_usage, warehouse_metering
from snowpatrol_assets.checks import (
    COMPLETE_HISTORY,
    EVERY_DAY,
    UNIQUE_DAY,
    UNIQUE_HOUR,
    VALID_CREDITS,
    VALID_HOURS,
)
from snowpatrol_assets.resources import build_resources
from snowpatrol_assets.sensors import RANGE_END, RANGE_START
from snowpatrol_assets.sources import SimulatedAccountSource
from tests.local_tables import local_count, local_rows

FIRST, MIDDLE, LAST = "2026-06-01", "2026-06-02", "2026-06-03"


class DefectiveAccount(SimulatedAccountSource):
    """The simulated account with one kind of defect injected into what it returns."""

    defect: str = "none"

    def fetch_metering(self, start, end):
        rows = super().fetch_metering(start, end)
        on_middle_day = rows["START_TIME"].dt.strftime("%Y-%m-%d") == MIDDLE
        if self.defect == "missing_day":
            return rows[~on_middle_day]
        if self.defect == "negative":
            target = rows.index[(rows["WAREHOUSE_NAME"] == "ETL_NIGHTLY_WH") & on_middle_day][0]
            rows.loc[target, "CREDITS_USED"] = -4.0
        if self.defect == "duplicate":
            rows = rows._append(rows.iloc[[5]], ignore_index=True)
        return rows


def run(defect="none", first=FIRST, last=LAST, assets=(warehouse_metering, warehouse_daily_usage)):
    return materialize(
        list(assets),
        resources={
            "io_manager": local_tables("snowpatrol"),
            "usage_tables": build_resources()["usage_tables"],
            "usage_source": DefectiveAccount(defect=defect),
        },
        tags={RANGE_START: first, RANGE_END: last},
        raise_on_error=False,
    )


def evaluations(result) -> dict:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def test_clean_days_pass_every_check_and_flow_downstream():
    result = run()
    assert result.success
    checks = evaluations(result)
    assert {
        EVERY_DAY,
        VALID_CREDITS,
        UNIQUE_HOUR,
        VALID_HOURS,
        COMPLETE_HISTORY,
        UNIQUE_DAY,
    } <= set(checks)
    assert all(c.passed for c in checks.values())
    assert result.asset_materializations_for_node("warehouse_daily_usage")


def test_an_empty_day_fails_the_blocking_check_names_the_day_and_stops_downstream():
    result = run("missing_day")
    assert not result.success
    check = evaluations(result)[EVERY_DAY]
    assert not check.passed
    assert MIDDLE in check.metadata["missing_days"].value
    assert not result.asset_materializations_for_node("warehouse_daily_usage")


def test_negative_credits_fail_naming_the_warehouse_and_hour():
    check = evaluations(run("negative"))[VALID_CREDITS]
    assert not check.passed
    assert check.metadata["invalid_rows"].value == 1
    assert f"ETL_NIGHTLY_WH, WAREHOUSE_ID=101, START_TIME={MIDDLE}" in (
        check.metadata["offending_rows"].value
    )


def test_a_repeated_warehouse_hour_fails_uniqueness():
    check = evaluations(run("duplicate"))[UNIQUE_HOUR]
    assert not check.passed
    assert check.metadata["duplicate_rows"].value == 2


def test_rematerialising_days_replaces_them_without_duplicates():
    run(assets=[warehouse_metering])
    first = local_count("snowpatrol", "warehouse_metering")
    run(assets=[warehouse_metering], first=MIDDLE, last=LAST)
    run(assets=[warehouse_metering])
    assert local_count("snowpatrol", "warehouse_metering") == first > 0


def test_a_day_never_loaded_is_a_gap_in_the_usage_history():
    run(assets=[warehouse_metering], first=FIRST, last=FIRST)
    run(assets=[warehouse_metering], first=LAST, last=LAST)
    result = materialize(
        [warehouse_metering.to_source_asset(), warehouse_daily_usage],
        resources={
            "io_manager": local_tables("snowpatrol"),
            "usage_tables": build_resources()["usage_tables"],
        },
        raise_on_error=False,
    )
    check = evaluations(result)[COMPLETE_HISTORY]
    assert not check.passed
    assert check.metadata["missing_days"].value == MIDDLE
    assert evaluations(result)[UNIQUE_DAY].passed


@pytest.mark.parametrize("name", ["MARKETING BI 'EU'"])
def test_warehouse_names_with_quotes_and_spaces_survive_storage(name):
    run()
    rows = local_rows(
        "snowpatrol", "select distinct WAREHOUSE_NAME from snowpatrol.warehouse_daily_usage"
    )
    assert name in {r[0] for r in rows}
