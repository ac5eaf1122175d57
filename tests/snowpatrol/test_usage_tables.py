"""The warehouse x day matrix and which warehouses get modelled, on hand-made metering rows."""

import pandas as pd
import pytest

from snowpatrol_assets.usage.features import classify_warehouses
from snowpatrol_assets.usage.matrix import MOVING_AVG, MOVING_STD, daily_usage_matrix
from snowpatrol_assets.usage.validation import missing_days

IDS = {"ETL_WH": 1, "NEW_WH": 2, "WH": 3, "STEADY_WH": 4, "YOUNG_WH": 5, "GONE_WH": 6}


def hourly(account: str, warehouse: str, hours: list[str], credits: float = 1.0) -> pd.DataFrame:
    starts = pd.to_datetime(hours)
    return pd.DataFrame(
        {
            "ACCOUNT_NAME": account,
            "WAREHOUSE_ID": IDS.get(warehouse, 99),
            "WAREHOUSE_NAME": warehouse,
            "START_TIME": starts,
            "END_TIME": starts + pd.Timedelta(hours=1),
            "CREDITS_USED": credits,
            "CREDITS_USED_COMPUTE": credits * 0.9,
            "CREDITS_USED_CLOUD_SERVICES": credits * 0.1,
        }
    )


def test_hours_add_up_per_day_and_idle_days_are_zero_from_first_use_to_the_last_day():
    metering = pd.concat(
        [
            hourly("A", "ETL_WH", ["2026-01-01 01:00", "2026-01-01 02:00", "2026-01-03 05:00"]),
            hourly("A", "NEW_WH", ["2026-01-03 09:00"], credits=4.0),
        ]
    )
    matrix = daily_usage_matrix(metering, pd.Timestamp("2026-01-04"))
    etl = matrix[matrix["WAREHOUSE_KEY"] == "A/1"].set_index("USAGE_DATE")["CREDITS_USED"]
    assert etl.to_dict() == {
        pd.Timestamp("2026-01-01"): 2.0,
        pd.Timestamp("2026-01-02"): 0.0,
        pd.Timestamp("2026-01-03"): 1.0,
        pd.Timestamp("2026-01-04"): 0.0,
    }
    new = matrix[matrix["WAREHOUSE_KEY"] == "A/2"]
    assert list(new["USAGE_DATE"].dt.strftime("%m-%d")) == ["01-03", "01-04"]  # no rows before use
    assert etl.index.is_unique


def test_a_renamed_warehouse_keeps_one_history_under_its_latest_name():
    before = hourly("A", "OLD_NAME_WH", ["2026-01-01 01:00", "2026-01-02 01:00"])
    after = hourly("A", "NEW NAME 'WH'", ["2026-01-03 01:00"])
    matrix = daily_usage_matrix(pd.concat([before, after]), pd.Timestamp("2026-01-03"))
    assert list(matrix["WAREHOUSE_KEY"]) == ["A/99"] * 3
    assert set(matrix["WAREHOUSE_NAME"]) == {"NEW NAME 'WH'"}
    assert list(matrix["CREDITS_USED"]) == [1.0, 1.0, 1.0]


def test_thirty_day_band_is_the_rolling_mean_and_std_of_daily_credits():
    days = pd.date_range("2026-01-01", periods=40, freq="D")
    metering = pd.concat(
        [hourly("A", "WH", [f"{d:%Y-%m-%d} 10:00"], credits=float(i)) for i, d in enumerate(days)]
    )
    matrix = daily_usage_matrix(metering, days[-1]).set_index("USAGE_DATE")
    last = matrix.loc[days[-1]]
    window = pd.Series(range(10, 40), dtype=float)
    assert last[MOVING_AVG] == pytest.approx(window.mean())
    assert last[MOVING_STD] == pytest.approx(window.std())


def test_warehouses_are_active_too_new_or_dropped():
    days = pd.date_range("2026-01-01", periods=90, freq="D")
    every_day = [f"{d:%Y-%m-%d} 03:00" for d in days]
    metering = pd.concat(
        [
            hourly("A", "STEADY_WH", every_day),
            hourly("A", "YOUNG_WH", every_day[-10:]),
            hourly("A", "GONE_WH", every_day[:40]),
        ]
    )
    status = classify_warehouses(daily_usage_matrix(metering, days[-1]))
    assert status.active == ["A/4"]
    assert status.too_short == {"A/5": 10}
    assert status.dropped == {"A/6": "2026-02-09"}


def test_a_day_without_any_metering_row_is_missing():
    stamps = pd.Series(pd.to_datetime(["2026-01-01 01:00", "2026-01-03 23:00"]))
    assert [
        d.isoformat()
        for d in missing_days(
            stamps, pd.Timestamp("2026-01-01").date(), pd.Timestamp("2026-01-04").date()
        )
    ] == [
        "2026-01-02",
        "2026-01-04",
    ]
