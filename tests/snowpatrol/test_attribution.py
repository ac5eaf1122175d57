"""Attribution names who or what burnt an anomalous day's extra credits."""

from datetime import date, timedelta

import pandas as pd
import pytest

from snowpatrol_assets.attribution import (
    days_to_query,
    explain_excess,
    reference_days,
    top_cause,
)
from snowpatrol_assets.attribution.anomaly_days import EXCESS_CREDITS, explain_anomalies
from snowpatrol_assets.attribution.contributors import SAMPLE_TEXT_CHARS
from snowpatrol_assets.simulation import SIMULATION_START, injected_anomalies, simulate_metering
from snowpatrol_assets.simulation.query_history import simulate_query_history
from snowpatrol_assets.simulation.workload_cast import CAUSE_DIMENSION
from snowpatrol_assets.usage.columns import warehouse_key
from snowpatrol_assets.usage.matrix import daily_usage_matrix

DAY = pd.Timestamp("2026-11-19")
REFERENCES = [DAY - pd.Timedelta(weeks=w) for w in (1, 2, 3, 4)]
ORDINARY = [  # user, role, tag, query hash, credits of an ordinary day
    ("DBT_SVC", "TRANSFORMER", "dbt:core", "q_orders", 20.0),
    ("DBT_SVC", "TRANSFORMER", "dbt:core", "q_customers", 15.0),
    ("DBT_SVC", "TRANSFORMER", "dbt:marketing", "q_campaigns", 10.0),
    ("DBT_SVC", "TRANSFORMER", "dbt:marketing", "q_clicks", 10.0),
    ("DBT_SVC", "TRANSFORMER", "dbt:marketing", "q_spend", 10.0),
    ("ALICE", "ANALYST", "", "q_adhoc", 5.0),
]


def _rows(day: pd.Timestamp, queries: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "ACCOUNT_NAME": "ACME_PROD",
                "WAREHOUSE_ID": 101,
                "WAREHOUSE_NAME": "ETL_NIGHTLY_WH",
                "QUERY_ID": f"{day.date()}-{i}",
                "QUERY_PARAMETERIZED_HASH": query,
                "QUERY_TEXT": f"SELECT * FROM {query}",
                "QUERY_TAG": tag,
                "USER_NAME": user,
                "ROLE_NAME": role,
                "START_TIME": day + pd.Timedelta(hours=2),
                "END_TIME": day + pd.Timedelta(hours=3),
                "CREDITS_ATTRIBUTED_COMPUTE": credits,
            }
            for i, (user, role, tag, query, credits) in enumerate(queries)
        ]
    )


def _reference_rows() -> pd.DataFrame:
    return pd.concat([_rows(day, ORDINARY) for day in REFERENCES], ignore_index=True)


def _explain(day_queries: list[tuple], **kwargs):
    attributed = sum(q[-1] for q in day_queries)
    options = {"metered_compute": attributed / 0.85, "excess": attributed - 70.0, **kwargs}
    return explain_excess(
        _rows(DAY, day_queries), _reference_rows(), reference_day_count=4, **options
    )


def _contributor(explanation, dimension: str, name: str) -> pd.Series:
    rows = explanation.contributors
    return rows[(rows["DIMENSION"] == dimension) & (rows["CONTRIBUTOR"] == name)].iloc[0]


def test_a_new_user_is_flagged_new_and_named_as_the_cause():
    newcomer = [("CONTRACTOR", "ANALYST", "", f"q_scratch_{i}", 16.0) for i in range(3)]
    explanation = _explain(ORDINARY + newcomer)
    user = _contributor(explanation, "user", "CONTRACTOR")
    assert user["CHANGE"] == "new"
    assert user["TYPICAL_CREDITS"] == 0
    assert user["DELTA_CREDITS"] == pytest.approx(48.0)
    assert user["SHARE_OF_EXCESS"] == pytest.approx(48.0 / explanation.excess)
    role = _contributor(explanation, "role", "ANALYST")
    assert role["CHANGE"] == "grown" and role["DELTA_CREDITS"] == pytest.approx(48.0)
    cause = top_cause(explanation)
    assert (cause["DIMENSION"], cause["CONTRIBUTOR"]) == ("user", "CONTRACTOR")


def test_a_grown_user_is_compared_with_its_typical_day():
    grown = [(*q[:4], q[4] * 4) if q[0] == "ALICE" else q for q in ORDINARY]
    explanation = _explain(grown)
    alice = _contributor(explanation, "user", "ALICE")
    assert (alice["CHANGE"], alice["TYPICAL_CREDITS"], alice["DELTA_CREDITS"]) == (
        "grown",
        5.0,
        15.0,
    )
    assert set(explanation.contributors["CONTRIBUTOR"]) == {"ALICE", "ANALYST", "q_adhoc"}
    assert "" not in set(explanation.contributors["CONTRIBUTOR"])  # untagged names nobody


def test_a_runaway_query_is_named_rather_than_its_user_tag_or_role():
    runaway = [(*q[:4], 90.0) if q[3] == "q_customers" else q for q in ORDINARY]
    explanation = _explain(runaway)
    for dimension, name in [
        ("user", "DBT_SVC"),
        ("query_tag", "dbt:core"),
        ("role", "TRANSFORMER"),
    ]:
        assert _contributor(explanation, dimension, name)["DELTA_CREDITS"] == pytest.approx(75.0)
    cause = top_cause(explanation)
    assert (cause["DIMENSION"], cause["CONTRIBUTOR"]) == ("query", "q_customers")
    assert cause["SAMPLE_TEXT"] == "SELECT * FROM q_customers"


def test_a_tagged_job_gone_wild_is_named_by_its_tag():
    wild = [(*q[:4], q[4] * 5) if q[2] == "dbt:marketing" else q for q in ORDINARY]
    explanation = _explain(wild)
    assert _contributor(explanation, "query_tag", "dbt:marketing")["DELTA_CREDITS"] == 120.0
    cause = top_cause(explanation)
    assert (cause["DIMENSION"], cause["CONTRIBUTOR"]) == ("query_tag", "dbt:marketing")


def test_unattributed_remainder_is_metered_compute_not_charged_to_queries():
    explanation = _explain(ORDINARY, metered_compute=100.0, typical_metered_compute=80.0)
    assert explanation.attributed == pytest.approx(70.0)
    assert explanation.unattributed == pytest.approx(30.0)
    assert explanation.typical_unattributed == pytest.approx(10.0)
    assert explanation.contributors.empty  # nobody grew: the excess is idle time
    assert top_cause(explanation) is None


def test_typical_credits_count_reference_days_without_any_query():
    only_two_days = pd.concat([_rows(day, ORDINARY) for day in REFERENCES[:2]])
    explanation = explain_excess(
        _rows(DAY, ORDINARY),
        only_two_days,
        reference_day_count=4,
        metered_compute=80.0,
        excess=40.0,
    )
    orders = _contributor(explanation, "query", "q_orders")
    assert orders["TYPICAL_CREDITS"] == pytest.approx(10.0)  # 2 x 20 credits over 4 days


def test_sample_text_is_cut_for_reading():
    long = _rows(DAY, [("BOB", "ANALYST", "", "q_long", 9.0)])
    long["QUERY_TEXT"] = "SELECT " + "A, " * 400
    explanation = explain_excess(
        long, long.iloc[:0], reference_day_count=4, metered_compute=10.0, excess=9.0
    )
    text = _contributor(explanation, "query", "q_long")["SAMPLE_TEXT"]
    assert len(text) == SAMPLE_TEXT_CHARS and text.endswith("…")


def test_reference_days_are_ordinary_same_weekdays_within_a_warehouse_life():
    anomalies = pd.DataFrame(
        {
            "WAREHOUSE_KEY": ["ACME_PROD/101", "ACME_PROD/101", "ACME_DEV/201"],
            "USAGE_DATE": pd.to_datetime(["2026-11-19", "2026-11-12", "2026-11-19"]),
        }
    )
    first_days = {"ACME_DEV/201": pd.Timestamp("2026-11-01")}
    references = reference_days(anomalies, first_days)
    prod = references[references["WAREHOUSE_KEY"] == "ACME_PROD/101"]
    latest = prod[prod["USAGE_DATE"] == "2026-11-19"].REFERENCE_DATE
    assert list(latest) == list(
        pd.to_datetime(["2026-11-05", "2026-10-29", "2026-10-22", "2026-10-15"])
    )
    dev = references[references["WAREHOUSE_KEY"] == "ACME_DEV/201"].REFERENCE_DATE
    assert list(dev) == list(pd.to_datetime(["2026-11-12", "2026-11-05"]))  # no earlier life
    pairs = days_to_query(anomalies, references)
    assert ("ACME_PROD/101", date(2026, 11, 19)) in pairs
    assert ("ACME_PROD/101", date(2026, 11, 5)) in pairs
    reference_pairs = set(
        zip(references["WAREHOUSE_KEY"], references["REFERENCE_DATE"], strict=True)
    )
    assert len(pairs) == len(anomalies) + len(reference_pairs)


@pytest.mark.slow
def test_top_cause_is_the_injected_cause_for_nearly_every_simulated_anomaly():
    end = SIMULATION_START + timedelta(days=120)
    matrix = daily_usage_matrix(simulate_metering(SIMULATION_START, end), pd.Timestamp(end))
    labels = injected_anomalies(SIMULATION_START, end)
    keys = zip(labels["ACCOUNT_NAME"], labels["WAREHOUSE_ID"], strict=True)
    labels["WAREHOUSE_KEY"] = [warehouse_key(*key) for key in keys]
    labels[EXCESS_CREDITS] = labels["EXTRA_CREDITS"]  # the ranking does not depend on it
    references = reference_days(labels, matrix.groupby("WAREHOUSE_KEY")["USAGE_DATE"].min())
    queries = simulate_query_history(SIMULATION_START, end, days=days_to_query(labels, references))
    explanations = explain_anomalies(labels, references, queries, matrix)
    hits = []
    for key, day, kind, cause in labels[
        ["WAREHOUSE_KEY", "USAGE_DATE", "CAUSE_KIND", "CAUSE"]
    ].itertuples(index=False):
        top = top_cause(explanations[(key, day)])
        named = None if top is None else (top["DIMENSION"], top["CONTRIBUTOR"])
        hits.append(named == (CAUSE_DIMENSION[kind], cause))
    assert len(hits) > 50
    assert sum(hits) / len(hits) >= 0.9


def test_a_batch_explains_each_anomaly_as_if_it_were_alone():
    """Two days of one warehouse share their four reference days; the other warehouse, two
    weeks old, has an anomaly whose queries carry no tag and one without any query row."""
    runaway = [(*q[:4], 90.0) if q[3] == "q_customers" else q for q in ORDINARY]
    newcomer = [("CONTRACTOR", "ANALYST", "", f"q_scratch_{i}", 16.0) for i in range(3)]
    untagged = [(*q[:2], "", *q[3:]) for q in ORDINARY]
    bi_references = [_rows(day, untagged) for day in REFERENCES[:2]]
    bi_day = _rows(DAY, [(*q[:4], q[4] * 3) for q in untagged])
    history = pd.concat(
        [
            *[_rows(day, ORDINARY) for day in REFERENCES[1:]],
            _rows(DAY, ORDINARY + newcomer),
            _rows(REFERENCES[0], runaway),
            *[rows.assign(WAREHOUSE_ID=102) for rows in [*bi_references, bi_day]],
        ],
        ignore_index=True,
    )
    history["QUERY_TEXT"] += " -- " + history["START_TIME"].dt.strftime("%Y-%m-%d")
    etl, bi = "ACME_PROD/101", "ACME_PROD/102"
    idle_day = DAY + pd.Timedelta(days=1)
    anomalies = pd.DataFrame(
        {
            "WAREHOUSE_KEY": [etl, bi, etl, bi],
            "USAGE_DATE": [DAY, DAY, REFERENCES[0], idle_day],
            EXCESS_CREDITS: [40.0, 120.0, 70.0, 25.0],
        }
    )
    references = reference_days(anomalies, {bi: REFERENCES[1]})  # bi: two reference days
    days = pd.date_range(DAY - pd.Timedelta(weeks=8), idle_day)
    usage = pd.DataFrame(
        {
            "WAREHOUSE_KEY": [etl] * len(days) + [bi] * len(days),
            "USAGE_DATE": [*days, *days],
            "CREDITS_USED_COMPUTE": [100.0 + i for i in range(2 * len(days))],
        }
    )
    explained = explain_anomalies(anomalies, references, history, usage, top=3)

    assert top_cause(explained[(etl, DAY)])["CONTRIBUTOR"] == "CONTRACTOR"
    runaway_cause = top_cause(explained[(etl, REFERENCES[0])])
    assert runaway_cause["CONTRIBUTOR"] == "q_customers"
    assert runaway_cause["SAMPLE_TEXT"] == "SELECT * FROM q_customers -- 2026-11-12"
    untagged_dimensions = explained[(bi, DAY)].contributors["DIMENSION"]
    assert list(untagged_dimensions) == ["query"] * 3 + ["user"] * 2 + ["role"] * 2  # top 3
    assert explained[(bi, idle_day)].contributors.empty
    assert explained[(bi, idle_day)].unattributed == explained[(bi, idle_day)].metered_compute
    query_warehouse = "ACME_PROD/" + history["WAREHOUSE_ID"].astype(str)
    query_day = history["START_TIME"].dt.normalize()

    def rows_of(key, day):
        return history[(query_warehouse == key) & (query_day == day)]

    compute = usage.set_index(["WAREHOUSE_KEY", "USAGE_DATE"])["CREDITS_USED_COMPUTE"]
    earlier = references.groupby(["WAREHOUSE_KEY", "USAGE_DATE"])["REFERENCE_DATE"].agg(list)
    assert earlier[(etl, DAY)] == earlier[(etl, REFERENCES[0])]  # shared reference days
    for key, day, excess in anomalies.itertuples(index=False):
        alone = explain_excess(
            rows_of(key, day),
            pd.concat([rows_of(key, d) for d in earlier[(key, day)]]),
            reference_day_count=len(earlier[(key, day)]),
            metered_compute=compute[(key, day)],
            excess=excess,
            typical_metered_compute=compute[[(key, d) for d in earlier[(key, day)]]].mean(),
            top=3,
        )
        explanation = explained[(key, day)]
        assert explanation.typical_unattributed == pytest.approx(alone.typical_unattributed)
        assert (explanation.attributed, explanation.unattributed) == pytest.approx(
            (alone.attributed, alone.unattributed)
        )
        pd.testing.assert_frame_equal(explanation.contributors, alone.contributors)
