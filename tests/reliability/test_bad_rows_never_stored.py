"""Bad metering rows never reach downstream: a fetch that breaks a row rule is not stored at
all, the check names the rows, the day keeps what it had, and the next routine run's usage
matrix is computed from clean rows only."""

import pandas as pd
import pytest
from dagster import materialize

from mlops_common.resource_sets import local_tables
from snowpatrol_assets.assets.ingest import warehouse_daily_usage, warehouse_metering
from snowpatrol_assets.checks import UNIQUE_HOUR, VALID_CREDITS, VALID_HOURS
from snowpatrol_assets.resources import build_resources
from snowpatrol_assets.sensors import RANGE_END, RANGE_START
from snowpatrol_assets.sources import SimulatedAccountSource
from tests.local_tables import local_count, local_rows

FIRST, DAY, NEXT = "2026-06-01", "2026-06-02", "2026-06-03"
ETL_ON_DAY = "WAREHOUSE_NAME = 'ETL_NIGHTLY_WH' AND USAGE_DATE = TIMESTAMP '2026-06-02'"


class SpoiledAccount(SimulatedAccountSource):
    """The simulated account returning one spoiled row of ETL_NIGHTLY_WH on `day`."""

    defect: str = "none"
    day: str = DAY

    def fetch_metering(self, start, end):
        rows = super().fetch_metering(start, end)
        targets = rows.index[
            (rows["WAREHOUSE_NAME"] == "ETL_NIGHTLY_WH")
            & (rows["START_TIME"].dt.strftime("%Y-%m-%d") == self.day)
        ]
        if self.defect == "none" or targets.empty:
            return rows
        target, hour = targets[0], pd.Timedelta(hours=1)
        if self.defect == "negative":
            rows.loc[target, "CREDITS_USED"] = -44.0
        elif self.defect == "nan":
            rows.loc[target, "CREDITS_USED"] = float("nan")
        elif self.defect == "huge":
            rows.loc[target, "CREDITS_USED"] = 1e12
        elif self.defect == "duplicate":
            rows = pd.concat([rows, rows.loc[[target]]], ignore_index=True)
        elif self.defect == "end_before_start":
            rows.loc[target, "END_TIME"] = rows.loc[target, "START_TIME"] - hour
        elif self.defect == "outside_day":  # a row of the day before, inside DAY's fetch
            rows.loc[target, ["START_TIME", "END_TIME"]] -= 24 * hour
        return rows


DEFECTS = {
    "negative": VALID_CREDITS,
    "nan": VALID_CREDITS,
    "huge": VALID_CREDITS,
    "duplicate": UNIQUE_HOUR,
    "end_before_start": VALID_HOURS,
    "outside_day": VALID_HOURS,
}


def pull(defect="none", first=DAY, last=DAY, config=None, assets=(warehouse_metering,), day=DAY):
    return materialize(
        list(assets),
        resources={
            "io_manager": local_tables("snowpatrol"),
            "usage_tables": build_resources()["usage_tables"],
            "usage_source": SpoiledAccount(defect=defect, day=day),
        },
        tags={RANGE_START: first, RANGE_END: last},
        run_config=config,
        raise_on_error=False,
    )


def day_credits() -> float:
    return local_rows(
        "snowpatrol",
        f"select CREDITS_USED from snowpatrol.warehouse_daily_usage where {ETL_ON_DAY}",
    )[0][0]


@pytest.mark.parametrize("defect", DEFECTS)
def test_a_spoiled_repull_is_not_stored_and_the_next_run_reads_clean_rows(defect):
    assert pull(first=FIRST, last=NEXT).success
    assert pull(
        first=FIRST, last=NEXT, assets=[warehouse_metering.to_source_asset(), warehouse_daily_usage]
    ).success
    stored, clean_credits = local_count("snowpatrol", "warehouse_metering"), day_credits()

    result = pull(defect)
    assert not result.success
    [check] = [e for e in result.get_asset_check_evaluations() if e.check_name == DEFECTS[defect]]
    assert not check.passed and "ETL_NIGHTLY_WH" in check.metadata["offending_rows"].value
    assert local_count("snowpatrol", "warehouse_metering") == stored

    routine = pull(first=NEXT, last=NEXT)  # the next routine run: the matrix reads every day
    assert routine.success
    assert pull(
        first=FIRST, last=NEXT, assets=[warehouse_metering.to_source_asset(), warehouse_daily_usage]
    ).success
    assert day_credits() == pytest.approx(clean_credits)


def test_the_plausibility_bound_is_configurable_per_run():
    config = {"ops": {"warehouse_metering": {"config": {"max_credits_per_hour": 10.0}}}}
    result = pull(first=DAY, last=DAY, config=config)
    assert not result.success
    [check] = [e for e in result.get_asset_check_evaluations() if e.check_name == VALID_CREDITS]
    assert check.metadata["max_credits_per_hour"].value == 10.0
    assert "ML_TRAINING_WH" in check.metadata["offending_rows"].value


def test_a_long_backfill_is_fetched_a_month_at_a_time_and_stored_only_if_all_of_it_is_clean():
    first, last = "2026-04-01", "2026-06-05"  # 66 days: three fetch windows of at most 31
    assert pull(first=first, last=first).success
    stored = local_count("snowpatrol", "warehouse_metering")
    spoiled = pull("negative", first=first, last=last, day="2026-06-04")  # in the last window
    assert not spoiled.success
    assert local_count("snowpatrol", "warehouse_metering") == stored

    assert pull(first=first, last=last).success
    whole = SimulatedAccountSource().fetch_metering(
        pd.Timestamp(first).to_pydatetime(), pd.Timestamp("2026-06-06").to_pydatetime()
    )
    assert local_count("snowpatrol", "warehouse_metering") == len(whole)
    days = local_rows(
        "snowpatrol",
        "select count(distinct cast(START_TIME as date)), count(*) - count(distinct "
        "(ACCOUNT_NAME, WAREHOUSE_ID, START_TIME)) from snowpatrol.warehouse_metering",
    )
    assert days == [(66, 0)]  # every day once, no warehouse-hour twice across windows
