"""Every alert delivered once: durable first, retried while the sink fails, never twice.

Faults are injected at the fake Slack Web API on 127.0.0.1 (HTTP 500 answers, an answer slower
than the client's timeout after the message was accepted) and at the local outbox.
"""

import pandas as pd
import pytest
from dagster import DagsterInstance, SkipReason, asset, materialize

from cookie_assets.contract import customers_file, orders_file
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.keys import TRIAL_CUSTOMERS
from mlops_common.alert_delivery import AlertDeliveryError
from mlops_common.alerting import LocalOutboxAlerts
from mlops_common.slack_alerts import SlackAlerts
from tests.alert_support import Ticks, delivery_sensor
from tests.cookie.cookie_support import landing_root, run_assets, write_csv
from tests.local_tables import local_count

DAY = "2024-03-01"


def slack(fake_slack, timeout: int = 30) -> SlackAlerts:
    return SlackAlerts(
        token=fake_slack.token,
        channel="C0ALERTS",
        base_url=fake_slack.base_url,
        timeout_seconds=timeout,
    )


def failed_run(instance):
    @asset
    def nightly_load():
        raise RuntimeError("warehouse ETL_WH is suspended")

    materialize([nightly_load], instance=instance, raise_on_error=False)


def test_a_run_failure_alert_is_kept_while_slack_answers_500_and_sent_once_after(fake_slack):
    instance = DagsterInstance.ephemeral()
    failed_run(instance)
    ticks = Ticks(delivery_sensor("snowpatrol"), instance, slack(fake_slack))
    fake_slack.fail_with["chat.postMessage"] = [500, 500]
    for _ in range(2):
        with pytest.raises(AlertDeliveryError, match="retried on the next tick"):
            ticks.tick()
    assert fake_slack.messages == []
    ticks.tick()
    assert isinstance(ticks.tick(), SkipReason)
    [message] = fake_slack.messages
    assert message["text"] == "snowpatrol: run of __ephemeral_asset_job__ failed"
    posted = fake_slack.calls("chat.postMessage")[-1]["body"]
    assert "warehouse ETL_WH is suspended" in str(posted["blocks"])


def test_a_post_that_times_out_after_slack_accepted_it_is_not_posted_again(fake_slack):
    instance = DagsterInstance.ephemeral()
    failed_run(instance)
    ticks = Ticks(delivery_sensor("snowpatrol"), instance, slack(fake_slack, timeout=1))
    fake_slack.slow_seconds["chat.postMessage"] = 2.0
    with pytest.raises(AlertDeliveryError, match="timed out|Timeout"):
        ticks.tick()
    assert len(fake_slack.messages) == 1  # Slack did accept it
    fake_slack.slow_seconds.clear()
    assert ticks.tick() is not None
    assert isinstance(ticks.tick(), SkipReason)
    assert len(fake_slack.messages) == 1
    assert fake_slack.calls("conversations.history")


def test_when_the_history_cannot_be_read_nothing_is_posted_and_it_is_retried(fake_slack):
    instance = DagsterInstance.ephemeral()
    failed_run(instance)
    ticks = Ticks(delivery_sensor("snowpatrol"), instance, slack(fake_slack))
    fake_slack.fail_with["conversations.history"] = [503]
    with pytest.raises(Exception, match="503|fatal_error"):
        ticks.tick()
    assert fake_slack.messages == []
    ticks.tick()
    assert len(fake_slack.messages) == 1


def cohort_files(day: str, seed: int, spoil: bool) -> None:
    customers = generate_customers(30, seed)
    orders = generate_orders(customers, seed)
    if spoil:
        customers.loc[6, "favorite_season"] = "monsoon"
    write_csv(landing_root(), customers_file(day), customers)
    write_csv(landing_root(), orders_file(day), orders)


def load(instance, day):
    return run_assets(instance, [TRIAL_CUSTOMERS], day)


def test_a_bad_file_is_recorded_while_slack_is_down_and_alerted_once(fake_slack):
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("cookie_cohorts", [DAY])
    cohort_files(DAY, 1, spoil=True)
    fake_slack.fail_with["chat.postMessage"] = [500]
    result = load(instance, DAY)  # assets never call Slack: the run and its checks complete
    assert result.success
    assert not all(e.passed for e in result.get_asset_check_evaluations())
    assert local_count("cookie", "trial_customers") == 30
    ticks = Ticks(delivery_sensor("cookie"), instance, slack(fake_slack))
    with pytest.raises(AlertDeliveryError):
        ticks.tick()
    ticks.tick()
    assert [m["text"] for m in fake_slack.messages] == [
        f"cookie: bad landing file {DAY}_customers.csv"
    ]
    assert "monsoon" in str(fake_slack.calls("chat.postMessage")[-1]["body"]["blocks"])


def test_an_unchanged_bad_file_alerts_once_and_a_new_bad_version_alerts_again(tmp_path):
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("cookie_cohorts", [DAY])
    outbox = LocalOutboxAlerts(outbox=str(tmp_path / "outbox"))
    ticks = Ticks(delivery_sensor("cookie"), instance, outbox)
    cohort_files(DAY, 1, spoil=True)
    for _ in range(3):
        load(instance, DAY)
        ticks.tick()
    assert len(list((tmp_path / "outbox").glob("*.md"))) == 1
    cohort_files(DAY, 2, spoil=True)  # a re-upload, still bad: a new version of the file
    load(instance, DAY)
    ticks.tick()
    assert len(list((tmp_path / "outbox").glob("*.md"))) == 2


def test_the_outbox_is_not_written_twice_when_the_sensor_cursor_is_lost(tmp_path):
    instance = DagsterInstance.ephemeral()
    failed_run(instance)
    outbox = LocalOutboxAlerts(outbox=str(tmp_path / "outbox"))
    Ticks(delivery_sensor("snowpatrol"), instance, outbox).tick()
    fresh = Ticks(delivery_sensor("snowpatrol"), instance, outbox)  # e.g. the sensor was reset
    assert isinstance(fresh.tick(), SkipReason) or fresh.cursor
    [alert] = list((tmp_path / "outbox").glob("*.md"))
    assert "warehouse ETL_WH is suspended" in alert.read_text()


def test_each_anomaly_is_alerted_once_across_report_rebuilds(fake_slack):
    from dagster import AssetKey, AssetMaterialization, MetadataValue

    def report(day: str, anomalies: list[dict]):
        instance.report_runless_asset_event(
            AssetMaterialization(
                asset_key=AssetKey("anomaly_report"),
                metadata={
                    "anomalies": MetadataValue.json(anomalies),
                    "report_day": day,
                    "report_path": MetadataValue.path(f"/reports/{day}.md"),
                },
            )
        )

    def anomaly(key, name, day):
        return {
            "id": f"{key}@{day}",
            "key": key,
            "account": "ACME",
            "warehouse": name,
            "day": day,
            "credits": 50.0,
            "expected": 10.0,
            "excess": 40.0,
            "score": 4.0,
            "excess_cost": 120.0,
            "currency": "USD",
        }

    instance = DagsterInstance.ephemeral()
    ticks = Ticks(delivery_sensor("snowpatrol"), instance, slack(fake_slack))
    first = [
        anomaly("ACME/1", "ETL | NIGHTLY\nWH", "2026-01-05"),
        anomaly("ACME/2", "BI", "2026-01-05"),
    ]
    report("2026-01-05", first)
    ticks.tick()
    report("2026-01-06", first)  # rebuilt, nothing new
    assert isinstance(ticks.tick(), SkipReason)
    report("2026-01-06", [*first, anomaly("ACME/3", "ADHOC", "2026-01-06")])
    ticks.tick()
    assert [m["text"] for m in fake_slack.messages] == [
        "Snowpatrol: 2 new Snowflake usage anomalies",
        "Snowpatrol: 1 new Snowflake usage anomalies",
    ]
    assert [m["metadata"]["event_payload"]["ids"] for m in fake_slack.messages] == [
        ["ACME/1@2026-01-05", "ACME/2@2026-01-05"],
        ["ACME/3@2026-01-06"],
    ]
    assert pd.notna(fake_slack.messages[0]["ts"])


def test_a_refused_champion_is_alerted_once_with_its_reasons(tmp_path):
    from dagster import RunConfig

    from cookie_assets.keys import CANDIDATE_MODELS, CHAMPION_MODEL, ORDERS, TRAINING_DATA
    from tests.cookie.cookie_support import FAST_MODELS, seed_small_landing

    seed_small_landing(landing_root())
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("cookie_cohorts", ["2024-01-01"])
    run_assets(instance, [TRIAL_CUSTOMERS, ORDERS], "2024-01-01")
    run_assets(instance, [TRAINING_DATA])
    strict = RunConfig(ops={**FAST_MODELS.ops, "champion_model": {"config": {"min_r2": 0.99}}})
    refused = run_assets(
        instance, [CANDIDATE_MODELS, CHAMPION_MODEL], "total_boxes", strict, raise_on_error=False
    )
    assert not refused.success
    outbox = LocalOutboxAlerts(outbox=str(tmp_path / "outbox"))
    ticks = Ticks(delivery_sensor("cookie"), instance, outbox)
    ticks.tick()
    ticks.tick()
    alerts = [p.read_text() for p in (tmp_path / "outbox").glob("*.md")]
    [champion] = [a for a in alerts if "a new champion was refused" in a]
    assert "below the floor 0.990" in champion
