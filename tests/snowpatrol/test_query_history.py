"""Simulated query history adds up to the simulated metering and carries each anomaly's cause."""

from datetime import date, timedelta

import pandas as pd
import pytest

from snowpatrol_assets.simulation import (
    SIMULATED_WAREHOUSES,
    SIMULATION_START,
    injected_anomalies,
    simulate_metering,
)
from snowpatrol_assets.simulation.query_history import IDLE_SHARE, simulate_query_history
from snowpatrol_assets.simulation.workload_cast import CAUSE_KINDS, NEW_USER
from snowpatrol_assets.usage.columns import warehouse_key

START, END = date(2025, 11, 1), date(2025, 12, 6)
HOUR = ["ACCOUNT_NAME", "WAREHOUSE_ID", "START_TIME"]
ROUNDING = 1e-6


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return simulate_query_history(START, END)


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return injected_anomalies(START, END)


def test_attributed_credits_are_metered_compute_minus_an_idle_share(history):
    metering = simulate_metering(START, END).set_index(HOUR)["CREDITS_USED_COMPUTE"]
    hours = history.assign(START_TIME=history["START_TIME"].dt.floor("h"))
    attributed = hours.groupby(HOUR)["CREDITS_ATTRIBUTED_COMPUTE"].sum()
    rows = hours.groupby(HOUR).size()
    assert attributed.index.equals(metering.sort_index().index)  # every metered hour, no other
    idle = metering - attributed
    slack = rows * ROUNDING  # each row is rounded to 6 decimals
    assert (idle >= IDLE_SHARE[0] * metering - slack).all()
    assert (idle <= IDLE_SHARE[1] * metering + slack).all()
    assert (history["START_TIME"] >= history["START_TIME"].dt.floor("h")).all()
    assert (history["END_TIME"] > history["START_TIME"]).all()
    assert (
        history["END_TIME"] <= history["START_TIME"].dt.floor("h") + pd.Timedelta(hours=1)
    ).all()
    assert history["QUERY_ID"].is_unique


def test_a_day_looks_the_same_whichever_days_are_asked(history, labels):
    picked = {
        (warehouse_key(a, w), d.date())
        for a, w, d in labels[["ACCOUNT_NAME", "WAREHOUSE_ID", "USAGE_DATE"]].head(5).to_numpy()
    }
    only = simulate_query_history(START, END, days=picked)
    keys = [
        warehouse_key(a, w) for a, w in zip(history.ACCOUNT_NAME, history.WAREHOUSE_ID, strict=True)
    ]
    chosen = (
        pd.Series(list(zip(keys, history["START_TIME"].dt.date, strict=True)))
        .isin(picked)
        .to_numpy()
    )
    pd.testing.assert_frame_equal(only, history[chosen].reset_index(drop=True))
    assert simulate_query_history(START, END, days=set()).empty


def test_casts_fit_the_warehouse_usage_pattern(history):
    archetype = {(wh.account, wh.warehouse_id): wh.archetype for wh in SIMULATED_WAREHOUSES}
    kinds = [archetype[key] for key in zip(history.ACCOUNT_NAME, history.WAREHOUSE_ID, strict=True)]
    by_kind = history.assign(ARCHETYPE=kinds).groupby("ARCHETYPE")
    etl_users = set(by_kind.get_group("etl")["USER_NAME"])
    assert {"DBT_CLOUD_SVC", "FIVETRAN_SVC"} & etl_users
    assert (by_kind.get_group("etl")["QUERY_TAG"] != "").mean() > 0.9
    assert set(by_kind.get_group("bi")["USER_NAME"]) & {"LOOKER_SVC", "TABLEAU_SVC"}
    adhoc = by_kind.get_group("adhoc")
    assert (adhoc["QUERY_TAG"] == "").any()
    assert set(adhoc["ROLE_NAME"]) & {"ANALYST", "DATA_SCIENTIST"}


def test_every_anomaly_has_a_cause_that_burnt_its_extra_credits(history, labels):
    assert set(labels["CAUSE_KIND"]) == set(CAUSE_KINDS)
    column = {"new_user": "USER_NAME", "runaway_query": "QUERY_PARAMETERIZED_HASH"}
    history = history.assign(DAY=history["START_TIME"].dt.normalize())
    for label in labels.itertuples():
        mine = history[
            (history.ACCOUNT_NAME == label.ACCOUNT_NAME)
            & (history.WAREHOUSE_ID == label.WAREHOUSE_ID)
        ]
        by_cause = mine[mine[column.get(label.CAUSE_KIND, "QUERY_TAG")] == label.CAUSE]
        daily = by_cause.groupby("DAY")["CREDITS_ATTRIBUTED_COMPUTE"].sum()
        anomalous = labels[
            (labels.ACCOUNT_NAME == label.ACCOUNT_NAME)
            & (labels.WAREHOUSE_ID == label.WAREHOUSE_ID)
        ]
        ordinary = daily.drop(anomalous["USAGE_DATE"], errors="ignore")
        usual = ordinary.median() if len(ordinary) else 0.0
        extra_attributed = (1 - IDLE_SHARE[1]) * label.EXTRA_CREDITS
        assert daily.get(label.USAGE_DATE, 0.0) - usual > extra_attributed - 1e-3, label
        if label.CAUSE_KIND == NEW_USER:
            assert ordinary.empty, label  # a new user never runs on ordinary days


def test_all_days_of_a_runaway_share_one_cause():
    labels = injected_anomalies(SIMULATION_START, SIMULATION_START + timedelta(days=365))
    runaway = labels[labels["KIND"] == "runaway"].sort_values(["WAREHOUSE_ID", "USAGE_DATE"])
    event = (
        runaway["USAGE_DATE"].diff().dt.days.ne(1) | runaway["WAREHOUSE_ID"].diff().ne(0)
    ).cumsum()
    causes = runaway.groupby(event)[["CAUSE_KIND", "CAUSE"]].nunique()
    assert len(causes) > 10
    assert (causes == 1).all().all()
