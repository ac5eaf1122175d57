"""Feedback changes behaviour; the champion detector changes only on clear evidence; money."""

from datetime import date

import pandas as pd
import pytest

from snowpatrol_assets.detection.champion import MIN_F1_GAIN, elect_champion
from snowpatrol_assets.detection.evaluation import (
    DetectionQuality,
    QualityTargets,
    detection_quality,
)
from snowpatrol_assets.feedback import feedback_row, not_alerted
from snowpatrol_assets.pricing import CreditPrice, OrganizationCreditPrice


def quality(precision, event_recall, false_alerts=0.5) -> DetectionQuality:
    return DetectionQuality(precision, event_recall, event_recall, false_alerts, 100, 100, 50, 45)


def test_a_challenger_within_the_margin_does_not_replace_the_champion():
    scores = {"robust_baseline": quality(0.90, 0.92), "isolation_forest": quality(0.91, 0.93)}
    election = elect_champion(scores, "robust_baseline", QualityTargets(), has_labels=True)
    assert (election.champion, election.decision, election.trusted) == (
        "robust_baseline",
        "keep",
        True,
    )


def test_a_clearly_better_challenger_that_meets_the_targets_is_promoted():
    scores = {"isolation_forest": quality(0.60, 0.80, 9.0), "robust_baseline": quality(0.95, 0.97)}
    election = elect_champion(scores, "isolation_forest", QualityTargets(), has_labels=True)
    assert (election.champion, election.decision, election.trusted) == (
        "robust_baseline",
        "promote",
        True,
    )
    assert str(MIN_F1_GAIN) in election.rule


def test_the_gate_warns_below_the_targets_and_blocks_an_unusable_champion():
    scores = {"robust_baseline": quality(0.70, 0.95), "isolation_forest": quality(0.50, 0.80)}
    election = elect_champion(scores, "robust_baseline", QualityTargets(), has_labels=True)
    assert not election.trusted and "precision 0.700 < 0.85" in election.reasons[0]
    assert not election.unusable
    scores = {"robust_baseline": quality(0.40, 0.95)}
    assert elect_champion(scores, "robust_baseline", QualityTargets(), has_labels=True).unusable


def test_event_recall_counts_a_multi_day_runaway_once():
    day = pd.Timestamp("2026-01-05")
    labelled = {("A/1", day + pd.Timedelta(days=i)) for i in range(5)} | {("A/2", day)}
    flagged = {("A/1", day + pd.Timedelta(days=2)), ("A/3", day)}
    found = detection_quality(flagged, labelled, scored_days=1006)
    assert (found.events, found.events_caught, found.event_recall) == (2, 1, 0.5)
    assert found.precision == 0.5 and found.false_alerts_per_1000 == pytest.approx(1.0)


def test_feedback_rows_are_checked():
    with pytest.raises(ValueError, match="use 'silence' for ranges"):
        feedback_row("A/1", date(2026, 1, 1), date(2026, 1, 3), "false_alarm", "")
    with pytest.raises(ValueError, match="not safe"):
        feedback_row("A'/1", date(2026, 1, 1), None, "expected", "")


def test_labels_and_silences_mute_exactly_their_days():
    anomalies = pd.DataFrame(
        {
            "WAREHOUSE_KEY": ["A/1", "A/1", "A/2", "A/3"],
            "USAGE_DATE": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-05", "2026-01-05"]),
        }
    )
    feedback = pd.DataFrame(
        [
            feedback_row("A/1", date(2026, 1, 5), None, "false_alarm", "dbt full refresh"),
            feedback_row("A/2", date(2026, 1, 1), date(2026, 1, 31), "silence", "migration"),
            feedback_row("A/3", date(2026, 1, 5), None, "real", "runaway notebook"),
        ]
    ).assign(
        FIRST_DAY=lambda f: pd.to_datetime(f["FIRST_DAY"]),
        LAST_DAY=lambda f: pd.to_datetime(f["LAST_DAY"]),
    )
    assert list(not_alerted(anomalies, feedback)) == [True, False, True, False]


def test_the_configured_price_prices_every_day():
    scores = pd.DataFrame(
        {
            "ACCOUNT_NAME": ["A", "A"],
            "USAGE_DATE": pd.to_datetime(["2026-01-05", "2026-01-06"]),
            "CREDITS_USED": [10.0, 4.0],
            "EXCESS_CREDITS": [6.0, -1.0],
        }
    )
    priced = CreditPrice(price_per_credit=2.5, currency="CHF").priced(scores)
    assert list(priced["COST"]) == [25.0, 10.0]
    assert list(priced["EXCESS_COST"]) == [15.0, 0.0]
    assert set(priced["CURRENCY"]) == {"CHF"}


def test_the_organisation_rate_comes_from_snowflake_with_the_configured_fallback(snowflake_tables):
    from dagster_snowflake import SnowflakeResource

    cursor, _ = snowflake_tables(
        "SNOWFLAKE",
        "ORGANIZATION_USAGE",
        {
            "RATE_SHEET_DAILY": "DATE DATE, ORGANIZATION_NAME VARCHAR, CONTRACT_NUMBER INT, "
            "ACCOUNT_NAME VARCHAR, ACCOUNT_LOCATOR VARCHAR, REGION VARCHAR, SERVICE_LEVEL VARCHAR, "
            "USAGE_TYPE VARCHAR, CURRENCY VARCHAR, EFFECTIVE_RATE NUMBER(38, 2), "
            "SERVICE_TYPE VARCHAR"
        },
    )
    cursor.execute(
        "INSERT INTO SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY "
        "(DATE, ACCOUNT_NAME, USAGE_TYPE, CURRENCY, EFFECTIVE_RATE) VALUES "
        "('2026-01-05', 'ACME''PROD', 'compute', 'EUR', 2.10), "
        "('2026-01-05', 'ACME''PROD', 'storage', 'EUR', 23.00)"
    )
    price = OrganizationCreditPrice(
        snowflake=SnowflakeResource(account="acme", user="u", password="p", warehouse="WH"),
        price_per_credit=3.0,
        currency="USD",
    )
    scores = pd.DataFrame(
        {
            "ACCOUNT_NAME": ["ACME'PROD", "ACME'PROD", "OTHER"],
            "USAGE_DATE": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-05"]),
            "CREDITS_USED": [10.0, 10.0, 10.0],
            "EXCESS_CREDITS": [4.0, 4.0, 4.0],
        }
    )
    priced = price.priced(scores)
    assert list(priced["PRICE_PER_CREDIT"]) == [2.10, 3.0, 3.0]
    assert list(priced["CURRENCY"]) == ["EUR", "USD", "USD"]
    assert priced["EXCESS_COST"].iloc[0] == pytest.approx(8.4)
