"""The simulated Snowflake organisation looks like real metering history and its labels are true."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from snowpatrol_assets.simulation import (
    SIMULATED_WAREHOUSES,
    SIMULATION_START,
    configured_fleet,
    evaluation_fleet,
    injected_anomalies,
    simulate_metering,
    simulated_fleet,
)

END = date(2026, 11, 25)
COLUMNS = {
    "ACCOUNT_NAME": "object",
    "WAREHOUSE_ID": "int64",
    "WAREHOUSE_NAME": "object",
    "START_TIME": "datetime64[ns]",
    "END_TIME": "datetime64[ns]",
    "CREDITS_USED": "float64",
    "CREDITS_USED_COMPUTE": "float64",
    "CREDITS_USED_CLOUD_SERVICES": "float64",
}


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return simulate_metering(SIMULATION_START, END)


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return injected_anomalies(SIMULATION_START, END)


@pytest.fixture(scope="module")
def daily(history) -> dict[str, pd.Series]:
    """Daily CREDITS_USED per warehouse over the days it exists, 0 on days without rows."""
    totals = history.groupby(
        ["ACCOUNT_NAME", "WAREHOUSE_NAME", history["START_TIME"].dt.normalize()]
    )["CREDITS_USED"].sum()
    out = {}
    for wh in SIMULATED_WAREHOUSES:
        first = max(SIMULATION_START, wh.created or SIMULATION_START)
        days = pd.date_range(first, min(END, wh.dropped or END), inclusive="left")
        out[wh.name] = totals.loc[(wh.account, wh.name)].reindex(days, fill_value=0.0)
    return out


def _warehouses(archetype: str) -> list:
    return [wh for wh in SIMULATED_WAREHOUSES if wh.archetype == archetype]


def _is_close_day(day):
    """Last three days of the month (for a Timestamp or element-wise for a DatetimeIndex)."""
    return day.day > day.days_in_month - 3


def _unlabelled(daily, labels, wh) -> pd.Series:
    mine = labels[(wh.account == labels.ACCOUNT_NAME) & (wh.name == labels.WAREHOUSE_NAME)]
    return daily[wh.name].drop(mine["USAGE_DATE"])


def test_rows_look_like_warehouse_metering_history(history):
    assert {c: str(t) for c, t in history.dtypes.items()} == COLUMNS
    assert (history["START_TIME"] == history["START_TIME"].dt.floor("h")).all()
    assert (history["END_TIME"] - history["START_TIME"] == pd.Timedelta(hours=1)).all()
    assert (history["CREDITS_USED_COMPUTE"] > 0).all()
    used = history["CREDITS_USED_COMPUTE"] + history["CREDITS_USED_CLOUD_SERVICES"]
    assert (history["CREDITS_USED"] == used).all()
    assert (history["CREDITS_USED_COMPUTE"].round(6) == history["CREDITS_USED_COMPUTE"]).all()
    cloud_share = history["CREDITS_USED_CLOUD_SERVICES"].sum() / used.sum()
    assert 0.02 < cloud_share < 0.10
    keys = ["START_TIME", "ACCOUNT_NAME", "WAREHOUSE_NAME"]
    assert history[keys].equals(history.sort_values(keys, ignore_index=True)[keys])
    assert not history.duplicated(keys).any()


def test_history_of_a_day_does_not_depend_on_the_range_asked(history, labels):
    runaway = labels[labels["KIND"] == "runaway"]
    day_after = runaway.assign(USAGE_DATE=runaway["USAGE_DATE"] + pd.Timedelta(days=1))
    keys = ["ACCOUNT_NAME", "WAREHOUSE_NAME", "USAGE_DATE"]
    mid_plateau = runaway.merge(day_after[keys], on=keys)["USAGE_DATE"].iloc[0]  # started earlier
    spike_day = labels.loc[labels["KIND"] == "spike", "USAGE_DATE"].iloc[-1]
    for day in [SIMULATION_START, mid_plateau.date(), spike_day.date(), date(2026, 3, 2)]:
        one_day = simulate_metering(day, day + timedelta(days=1))
        in_history = history[history["START_TIME"].dt.date == day].reset_index(drop=True)
        pd.testing.assert_frame_equal(one_day, in_history)
        one_day_labels = injected_anomalies(day, day + timedelta(days=1))
        in_labels = labels[labels["USAGE_DATE"].dt.date == day].reset_index(drop=True)
        pd.testing.assert_frame_equal(one_day_labels, in_labels)
    later = date(2031, 2, 27)
    week = simulate_metering(later - timedelta(days=3), later + timedelta(days=4))
    pd.testing.assert_frame_equal(
        simulate_metering(later, later + timedelta(days=1)),
        week[week["START_TIME"].dt.date == later].reset_index(drop=True),
    )


def test_no_usage_before_the_simulation_or_outside_a_warehouse_lifetime(history):
    early = simulate_metering(date(2025, 9, 1), date(2025, 10, 2))
    assert early["START_TIME"].min() == pd.Timestamp(SIMULATION_START)
    assert injected_anomalies(date(2025, 1, 1), SIMULATION_START).empty
    assert simulate_metering(date(2025, 1, 1), SIMULATION_START).empty
    created = [wh for wh in SIMULATED_WAREHOUSES if wh.created]
    dropped = [wh for wh in SIMULATED_WAREHOUSES if wh.dropped]
    assert created and dropped
    for wh in created + dropped:
        rows = history[history["WAREHOUSE_NAME"] == wh.name]["START_TIME"]
        if wh.created:
            assert rows.min().date() == wh.created
        if wh.dropped:
            assert wh.dropped - timedelta(days=30) < rows.max().date() < wh.dropped


def test_the_history_spans_accounts_and_meters_every_warehouse_of_the_fleet(history):
    assert history["ACCOUNT_NAME"].nunique() >= 2
    metered = set(history[["ACCOUNT_NAME", "WAREHOUSE_ID"]].itertuples(index=False, name=None))
    assert metered == {(wh.account, wh.warehouse_id) for wh in SIMULATED_WAREHOUSES}
    assert "MARKETING BI 'EU'" in set(history["WAREHOUSE_NAME"])


def test_idle_warehouses_are_mostly_suspended(daily):
    for wh in _warehouses("idle"):
        assert 0.55 < (daily[wh.name] == 0).mean() < 0.8, wh.name


def test_bi_is_busy_on_weekdays_and_quiet_on_weekends(daily):
    for wh in _warehouses("bi"):
        days = daily[wh.name]
        weekend = days.index.weekday >= 5
        assert days[~weekend].median() > 3 * days[weekend].median(), wh.name


def test_etl_runs_at_night_every_day_and_grows(history, daily):
    etl = history[history["WAREHOUSE_NAME"].isin([wh.name for wh in _warehouses("etl")])]
    night = etl["START_TIME"].dt.hour <= 6
    assert etl.loc[night, "CREDITS_USED"].sum() > 0.8 * etl["CREDITS_USED"].sum()
    for wh in _warehouses("etl"):
        assert (daily[wh.name] > 0).all(), wh.name
    first = sum(daily[wh.name].iloc[:56].median() for wh in _warehouses("etl"))
    last = sum(daily[wh.name].iloc[-56:].median() for wh in _warehouses("etl"))
    assert last > 1.1 * first


def test_month_end_warehouses_peak_on_the_last_three_days(daily, labels):
    for wh in _warehouses("month_end"):
        days = daily[wh.name]
        close = _is_close_day(days.index)
        mid_month = (days.index.day >= 10) & (days.index.day <= 20)
        assert days[close].median() > 4 * days[mid_month].median(), wh.name
        mine = labels[labels["WAREHOUSE_NAME"] == wh.name]
        assert _is_close_day(pd.DatetimeIndex(mine["USAGE_DATE"])).sum() < 0.15 * close.sum()


def test_labelled_days_stand_out_by_their_extra_credits(daily, labels):
    explained, injected = 0.0, 0.0
    for wh in SIMULATED_WAREHOUSES:
        normal = _unlabelled(daily, labels, wh)
        usual_day = normal[normal > 0].median()
        mine = labels[(wh.account == labels.ACCOUNT_NAME) & (wh.name == labels.WAREHOUSE_NAME)]
        for day, extra in zip(mine["USAGE_DATE"], mine["EXTRA_CREDITS"], strict=True):
            assert day in daily[wh.name].index, (wh.name, day)  # only while the warehouse exists
            total = daily[wh.name][day]
            assert -1e-3 < total - extra <= normal.max(), (wh.name, day)
            if wh.archetype == "month_end" and _is_close_day(day):
                continue
            excess = total - normal[normal.index.weekday == day.weekday()].median()
            assert excess > 1.5 * usual_day, (wh.name, day)
            assert 0.5 < excess / extra < 2.0, (wh.name, day)
            explained, injected = explained + excess, injected + extra
    assert explained == pytest.approx(injected, rel=0.1)


def test_anomalies_are_rare_but_regular(daily, labels):
    kinds = labels["KIND"].value_counts()
    warehouse_days = sum(len(days) for days in daily.values())
    assert 1 / 150 < kinds["spike"] / warehouse_days < 1 / 60
    assert kinds["runaway"] > 20
    for (_, _), runaway in labels[labels["KIND"] == "runaway"].groupby(
        ["ACCOUNT_NAME", "WAREHOUSE_NAME"]
    ):
        gaps = runaway["USAGE_DATE"].diff().dt.days.fillna(0).ne(1).cumsum()
        assert runaway.groupby(gaps).size().between(3, 14).all()
    windows = pd.date_range(SIMULATION_START, END - timedelta(days=30), freq="30D")
    covered = [labels["USAGE_DATE"].between(w, w + pd.Timedelta(days=29)).any() for w in windows]
    assert np.mean(covered) > 0.8


def test_labels_name_the_warehouse_id_of_the_metered_warehouse(history, labels):
    columns = ["ACCOUNT_NAME", "WAREHOUSE_ID", "WAREHOUSE_NAME"]
    metered = set(history[columns].itertuples(index=False))
    labelled = set(labels[columns].itertuples(index=False))
    assert labelled and labelled <= metered
    assert str(labels["WAREHOUSE_ID"].dtype) == "int64"


def test_a_generated_fleet_opens_an_account_every_25_warehouses():
    fleet = simulated_fleet(60, seed=5)
    assert fleet == simulated_fleet(60, seed=5)
    accounts = pd.Series([wh.account for wh in fleet])
    assert accounts.value_counts(sort=False).tolist() == [25, 25, 10]  # in order of opening
    keys = [(wh.account, wh.warehouse_id) for wh in fleet]
    assert len(set(keys)) == 60
    assert len({(wh.account, wh.name) for wh in fleet}) == 60
    assert [wh.archetype for wh in fleet[:5]] == ["etl", "bi", "adhoc", "idle", "month_end"]
    other = simulated_fleet(60, seed=6)
    assert [wh.base_daily_credits for wh in fleet] != [wh.base_daily_credits for wh in other]
    assert {wh.name for wh in fleet} != {wh.name for wh in other}


def test_generated_accounts_meter_their_own_usage_and_anomalies():
    start, end = date(2026, 1, 5), date(2026, 4, 6)
    fleet = simulated_fleet(30, seed=5)
    same_id = [wh for wh in fleet if wh.warehouse_id == 1]  # first of each account, both ETL
    assert len({wh.account for wh in same_id}) == 2
    daily = [_daily_credits(simulate_metering(start, end, [wh])) for wh in same_id]
    assert not np.allclose(daily[0].to_numpy(), daily[1].to_numpy())
    seeded = [injected_anomalies(start, end, simulated_fleet(30, seed)) for seed in (5, 6)]
    assert not seeded[0][["WAREHOUSE_ID", "USAGE_DATE"]].equals(
        seeded[1][["WAREHOUSE_ID", "USAGE_DATE"]]
    )


def test_generated_fleets_live_through_level_shifts_holidays_and_ramp_ups():
    fleet = evaluation_fleet()
    shifted = next(wh for wh in fleet if wh.level_shift_day and wh.archetype == "etl")
    step = shifted.level_shift_day
    around = _daily_credits(
        simulate_metering(step - timedelta(days=28), step + timedelta(days=28), [shifted])
    )
    ratio = around[pd.Timestamp(step) :].median() / around[: pd.Timestamp(step)].iloc[:-1].median()
    assert ratio == pytest.approx(shifted.level_shift_factor, rel=0.15)
    etl = next(wh for wh in fleet if wh.archetype == "etl" and not wh.created)
    december = _daily_credits(simulate_metering(date(2026, 12, 14), date(2026, 12, 28), [etl]))
    assert december["2026-12-25"] < 0.1 * december[:"2026-12-23"].median()
    new = next(wh for wh in fleet if wh.created and wh.ramp_up_days and not wh.level_shift_day)
    life = _daily_credits(
        simulate_metering(new.created, new.created + timedelta(days=new.ramp_up_days + 28), [new])
    )
    assert life.iloc[:7].mean() < 0.4 * life.iloc[-28:].mean()


def test_the_configured_fleet_comes_from_the_environment(monkeypatch):
    assert configured_fleet({}) is SIMULATED_WAREHOUSES
    chosen = {"SNOWPATROL_SIM_WAREHOUSES": "40", "SNOWPATROL_SIM_SEED": "7"}
    assert configured_fleet(chosen) == evaluation_fleet()
    assert len(configured_fleet({"SNOWPATROL_SIM_SEED": "3"})) == len(SIMULATED_WAREHOUSES)
    monkeypatch.setenv("SNOWPATROL_SIM_WAREHOUSES", "12")
    assert [wh.fleet_seed for wh in configured_fleet()] == [0] * 12


def test_the_history_length_is_configurable_and_keeps_every_day_as_it_was():
    longer = {"SNOWPATROL_HISTORY_START": "2024-12-01"}
    acme = configured_fleet(longer)
    before = simulate_metering(date(2024, 11, 30), date(2024, 12, 3), acme)
    assert before["START_TIME"].min() >= pd.Timestamp("2024-12-01")
    assert before["START_TIME"].dt.normalize().nunique() == 2
    overlap = (date(2025, 10, 1), date(2025, 10, 15))
    pd.testing.assert_frame_equal(
        simulate_metering(*overlap, acme), simulate_metering(*overlap, SIMULATED_WAREHOUSES)
    )
    generated = configured_fleet({**longer, "SNOWPATROL_SIM_WAREHOUSES": "30"})
    first_week = simulate_metering(date(2024, 12, 1), date(2024, 12, 8), generated)
    metered = first_week[["ACCOUNT_NAME", "WAREHOUSE_ID"]].drop_duplicates()
    assert len(metered) >= 20  # all but the ones created later in the first year
    assert not injected_anomalies(date(2024, 12, 1), date(2025, 12, 1), generated).empty


def _daily_credits(metering: pd.DataFrame) -> pd.Series:
    return metering.groupby(metering["START_TIME"].dt.normalize())["CREDITS_USED"].sum()
