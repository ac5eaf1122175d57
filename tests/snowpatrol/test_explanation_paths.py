"""Explanations through the production paths: query attribution SQL on fakesnow (bound
parameters, hostile names), the Slack alert with money, contributors and a link, budget alerts
once a month, and reports stored in S3 (moto)."""

from datetime import date

import boto3
import pytest
from dagster import AssetKey, AssetMaterialization, DagsterInstance, MetadataValue

from mlops_common.report_store import S3ReportStore
from mlops_common.slack_alerts import SlackAlerts
from snowpatrol_assets.alerts import budget_alerts, report_anomaly_alerts
from snowpatrol_assets.sources import SnowflakeUsageSource, query_attribution_sql
from snowpatrol_assets.usage.columns import warehouse_key
from tests.alert_support import Ticks, delivery_sensor

HOSTILE = "X\\' ) OR 1=1 --"


@pytest.fixture
def attribution_views(snowflake_tables):
    cursor, _ = snowflake_tables(
        "SNOWFLAKE",
        "ACCOUNT_USAGE",
        {
            "QUERY_ATTRIBUTION_HISTORY": "QUERY_ID VARCHAR, WAREHOUSE_ID INT, "
            "WAREHOUSE_NAME VARCHAR, QUERY_PARAMETERIZED_HASH VARCHAR, QUERY_TAG VARCHAR, "
            "USER_NAME VARCHAR, "
            "START_TIME TIMESTAMP_LTZ, END_TIME TIMESTAMP_LTZ, CREDITS_ATTRIBUTED_COMPUTE FLOAT",
            "QUERY_HISTORY": "QUERY_ID VARCHAR, ROLE_NAME VARCHAR, QUERY_TEXT VARCHAR",
        },
    )
    # fakesnow 0.12.1 lacks CURRENT_ACCOUNT_NAME(): a stand-in in the schema a connection
    # without a database looks functions up in.
    cursor._duck_conn.execute("CREATE MACRO memory.main.current_account_name() AS 'ACME_PROD'")
    rows = [
        ("q1", 101, HOSTILE, "h1", "dbt:orders", "DBT", "2026-06-02 03:00", 12.5, "LOADER"),
        ("q2", 101, HOSTILE, "h2", "", "ANNA", "2026-06-02 09:00", 80.0, "ANALYST"),
        ("q3", 101, HOSTILE, "h1", "dbt:orders", "DBT", "2026-05-26 03:00", 11.0, "LOADER"),
        ("q4", 102, "OTHER_WH", "h9", "", "BOB", "2026-06-02 10:00", 5.0, "ANALYST"),
        ("q5", 101, HOSTILE, "h1", "dbt:orders", "DBT", "2026-06-03 03:00", 13.0, "LOADER"),
    ]
    for qid, wid, name, qhash, tag, user, start, credits, role in rows:
        cursor.execute(
            "INSERT INTO SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY VALUES "
            "(%s, %s, %s, %s, %s, %s, %s::TIMESTAMP_NTZ, %s::TIMESTAMP_NTZ, %s)",
            (qid, wid, name, qhash, tag, user, f"{start}:00", f"{start}:30", credits),
        )
        cursor.execute(
            "INSERT INTO SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY VALUES (%s, %s, %s)",
            (qid, role, f"SELECT /* {name} */ 1"),
        )
    return cursor


def test_only_the_requested_warehouse_days_are_read_with_bound_parameters(attribution_views):
    from dagster_snowflake import SnowflakeResource

    source = SnowflakeUsageSource(
        snowflake=SnowflakeResource(account="acme", user="u", password="p", warehouse="WH"),
        usage_schema="ACCOUNT_USAGE",
    )
    key = warehouse_key("ACME_PROD", 101)
    rows = source.fetch_query_attribution({(key, date(2026, 6, 2)), (key, date(2026, 5, 26))})
    assert sorted(rows["QUERY_ID"]) == ["q1", "q2", "q3"]  # not 102's query, not June 3rd
    assert set(rows["WAREHOUSE_NAME"]) == {HOSTILE}
    assert set(rows["ROLE_NAME"]) == {"LOADER", "ANALYST"}
    sql = query_attribution_sql("SNOWFLAKE", 2)
    assert "%(w1)s" in sql and "101" not in sql and "2026" not in sql


def report_event(instance, anomalies, link=None):
    instance.report_runless_asset_event(
        AssetMaterialization(
            asset_key=AssetKey("anomaly_report"),
            metadata={
                "anomalies": MetadataValue.json(anomalies),
                "report_day": "2026-06-02",
                "report_path": "s3://reports/snowpatrol/anomaly_report_2026-06-02.md",
                **({"report_link": MetadataValue.url(link)} if link else {}),
            },
        )
    )


ANOMALY = {
    "id": "ACME_PROD/101@2026-06-02",
    "key": "ACME_PROD/101",
    "account": "ACME_PROD",
    "warehouse": "ETL_NIGHTLY_WH",
    "day": "2026-06-02",
    "credits": 246.0,
    "expected": 172.0,
    "excess": 74.0,
    "score": 5.2,
    "excess_cost": 222.0,
    "currency": "EUR",
    "contributors": [
        {
            "dimension": "user",
            "name": "ANNA",
            "change": "new",
            "credits": 70.0,
            "typical": 0.0,
            "share": 0.95,
        },
    ],
}


def test_the_slack_alert_shows_money_contributors_and_links_to_the_ui(fake_slack):
    instance = DagsterInstance.ephemeral()
    console = "https://s3.console.aws.amazon.com/s3/object/reports?prefix=x"
    report_event(instance, [ANOMALY], link=console)
    sink = SlackAlerts(
        token=fake_slack.token,
        channel="C0ALERTS",
        base_url=fake_slack.base_url,
        ui_base_url="https://dagster.example.com/",
    )
    Ticks(delivery_sensor("snowpatrol"), instance, sink).tick()
    [post] = fake_slack.calls("chat.postMessage")
    blocks = post["body"]["blocks"]
    text = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert "222.00 EUR" in text and "ANNA" in text and "95% of the excess" in text
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert [e["url"] for e in actions["elements"]] == [
        "https://dagster.example.com/assets/anomaly_report",
        console,
    ]


def test_without_a_ui_address_the_alert_has_no_link():
    instance = DagsterInstance.ephemeral()
    report_event(instance, [ANOMALY])
    [alert] = report_anomaly_alerts(instance, lambda i: True)
    assert alert.ui_path and alert.report_link is None


def outlook_event(instance, month: str):
    instance.report_runless_asset_event(
        AssetMaterialization(
            asset_key=AssetKey("month_end_outlook"),
            metadata={
                "over_budget": MetadataValue.json(
                    [
                        {
                            "id": f"budget:ACME_PROD/101:{month}",
                            "scope": "ACME_PROD/101",
                            "status": "on_track_to_exceed",
                            "forecast_credits": 5200.0,
                            "budget_credits": 4000.0,
                            "forecast_cost": 15600.0,
                            "currency": "USD",
                        }
                    ]
                )
            },
        )
    )


def test_a_budget_crossing_is_alerted_once_per_month(tmp_path):
    from mlops_common.alerting import LocalOutboxAlerts

    instance = DagsterInstance.ephemeral()
    ticks = Ticks(delivery_sensor("snowpatrol"), instance, LocalOutboxAlerts(outbox=str(tmp_path)))
    for _ in range(3):  # the outlook is rebuilt every day of the month
        outlook_event(instance, "2026-06")
        ticks.tick()
    outlook_event(instance, "2026-07")
    ticks.tick()
    texts = sorted(p.read_text() for p in tmp_path.glob("*.md"))
    assert len(texts) == 2 and all("on track to exceed its budget" in t for t in texts)
    assert [a.ids for a in budget_alerts(instance, lambda i: True)] == [
        ("budget:ACME_PROD/101:2026-07",)
    ]


def test_reports_are_stored_in_s3_and_linked_through_the_console(moto_s3):
    boto3.client("s3", endpoint_url=moto_s3, region_name="us-east-1").create_bucket(
        Bucket="finops-reports"
    )
    store = S3ReportStore(bucket="finops-reports", prefix="snowpatrol/", endpoint_url=moto_s3)
    location, link = store.save("anomaly_report_2026-06-02.md", b"# report")
    assert location == "s3://finops-reports/snowpatrol/anomaly_report_2026-06-02.md"
    assert link.startswith("https://s3.console.aws.amazon.com/s3/object/finops-reports?prefix=")
    body = (
        boto3.client("s3", endpoint_url=moto_s3, region_name="us-east-1")
        .get_object(Bucket="finops-reports", Key="snowpatrol/anomaly_report_2026-06-02.md")["Body"]
        .read()
    )
    assert body == b"# report"
