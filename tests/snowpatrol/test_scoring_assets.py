"""`warehouse_anomaly_scores` and `usage_anomalies` called on a small fleet in memory: every day
scored once, the injected spike flagged and priced, feedback muting exactly its days."""

from datetime import date

import pandas as pd
import pytest
from dagster import Failure, build_asset_context

from mlops_common.model_store import LocalModelStore
from snowpatrol_assets.assets.scoring import (
    ScoringConfig,
    usage_anomalies,
    warehouse_anomaly_scores,
)
from snowpatrol_assets.feedback import LocalAnomalyFeedback, feedback_row
from snowpatrol_assets.pricing import CreditPrice
from tests.snowpatrol.small_fleet import ACTIVE, SPIKE_DAY, SPIKE_FACTOR, SPIKED

PRICE = CreditPrice(price_per_credit=2.5, currency="CHF")
SPIKE_ID = f"{SPIKED}@{SPIKE_DAY:%Y-%m-%d}"


def score(usage, trained, config=None, models=None):
    store, all_models = trained
    return warehouse_anomaly_scores(
        build_asset_context(),
        config=config or ScoringConfig(),
        warehouse_daily_usage=usage,
        warehouse_anomaly_models=all_models if models is None else models,
        model_store=store,
        credit_price=PRICE,
    )


def anomalies_of(scores: pd.DataFrame, feedback: LocalAnomalyFeedback):
    return usage_anomalies(
        build_asset_context(), warehouse_anomaly_scores=scores, anomaly_feedback=feedback
    )


@pytest.fixture
def feedback(tmp_path) -> LocalAnomalyFeedback:
    return LocalAnomalyFeedback(database=str(tmp_path / "feedback.duckdb"))


def test_every_day_of_every_modelled_warehouse_is_scored_once(fleet_usage, trained):
    scores = score(fleet_usage, trained).value

    assert sorted(scores["WAREHOUSE_KEY"].unique()) == ACTIVE
    assert not scores.duplicated(["WAREHOUSE_KEY", "USAGE_DATE"]).any()
    days = fleet_usage[fleet_usage["WAREHOUSE_KEY"].isin(ACTIVE)].groupby("WAREHOUSE_KEY").size()
    assert scores.groupby("WAREHOUSE_KEY").size().to_dict() == days.to_dict()
    assert set(scores["MODEL_VERSION"]) == {"v1"}


def test_the_injected_spike_is_an_anomaly_with_its_excess_and_cost(fleet_usage, trained):
    output = score(fleet_usage, trained)
    scores = output.value.set_index(["WAREHOUSE_KEY", "USAGE_DATE"])

    spike = scores.loc[(SPIKED, SPIKE_DAY)]
    assert spike["IS_ANOMALY"] and spike["ANOMALY_SCORE"] > spike["ANOMALY_THRESHOLD"]
    assert spike["CREDITS_USED"] > 0.5 * SPIKE_FACTOR * spike["EXPECTED_CREDITS"]
    excess = spike["CREDITS_USED"] - spike["EXPECTED_CREDITS"]
    assert spike["EXCESS_CREDITS"] == pytest.approx(excess)
    assert spike["EXCESS_COST"] == pytest.approx(2.5 * spike["EXCESS_CREDITS"])
    assert spike["CURRENCY"] == "CHF"
    day_before = scores.loc[(SPIKED, SPIKE_DAY - pd.Timedelta(days=1))]
    assert not day_before["IS_ANOMALY"]
    assert output.metadata["anomalous_days"].value == int(scores["IS_ANOMALY"].sum())


def test_the_materiality_floor_from_config_silences_the_spike(fleet_usage, trained):
    spike = SPIKE_FACTOR * 1000.0  # credits above expected no day of the fleet reaches
    scores = score(fleet_usage, trained, ScoringConfig(min_excess_credits=spike)).value
    assert not scores["IS_ANOMALY"].any()


def test_a_warehouse_the_models_table_does_not_list_is_not_scored(fleet_usage, trained):
    models = trained[1]
    scores = score(fleet_usage, trained, models=models[models["WAREHOUSE_KEY"] != SPIKED]).value
    assert sorted(scores["WAREHOUSE_KEY"].unique()) == [k for k in ACTIVE if k != SPIKED]


def test_a_listed_model_missing_from_the_store_fails_naming_the_warehouse_and_store(
    fleet_usage, trained, tmp_path
):
    empty = LocalModelStore(root=str(tmp_path / "elsewhere"))
    with pytest.raises(Failure) as failure:
        score(fleet_usage, (empty, trained[1]))
    assert ACTIVE[0] in failure.value.description
    assert empty.location(ACTIVE[0]) in failure.value.description


def test_anomalies_are_the_flagged_days_with_a_stable_id_newest_first(
    fleet_usage, trained, feedback
):
    scores = score(fleet_usage, trained).value

    anomalies = anomalies_of(scores, feedback).value

    assert len(anomalies) == int(scores["IS_ANOMALY"].sum()) and anomalies["IS_ANOMALY"].all()
    assert SPIKE_ID in set(anomalies["ANOMALY_ID"])
    ids = anomalies["WAREHOUSE_KEY"] + "@" + anomalies["USAGE_DATE"].dt.strftime("%Y-%m-%d")
    assert list(anomalies["ANOMALY_ID"]) == list(ids) and anomalies["ANOMALY_ID"].is_unique
    assert anomalies["USAGE_DATE"].is_monotonic_decreasing


def test_labelled_and_silenced_anomalies_are_left_out(fleet_usage, trained, feedback):
    scores = score(fleet_usage, trained).value
    before = anomalies_of(scores, feedback).value
    others = before[before["WAREHOUSE_KEY"] != SPIKED]
    assert not others.empty, "the simulated fleet must have anomalies beside the spike"
    silenced = others["WAREHOUSE_KEY"].iloc[0]
    feedback.record(feedback_row(SPIKED, SPIKE_DAY.date(), None, "false_alarm", "backfill"))
    feedback.record(feedback_row(silenced, date(2026, 4, 1), date(2026, 9, 30), "silence", ""))

    output = anomalies_of(scores, feedback)

    kept = output.value
    assert SPIKE_ID not in set(kept["ANOMALY_ID"]) and silenced not in set(kept["WAREHOUSE_KEY"])
    left_out = (before["WAREHOUSE_KEY"] == silenced) | (before["ANOMALY_ID"] == SPIKE_ID)
    assert set(kept["ANOMALY_ID"]) == set(before.loc[~left_out, "ANOMALY_ID"])
    assert output.metadata["left_out_by_feedback"].value == int(left_out.sum())
