"""Snowpatrol's alerts as a reader gets them: the Slack alert with money, contributors and links,
and budget alerts once a month, delivered by the location's alert-delivery sensor."""

from dagster import AssetKey, AssetMaterialization, DagsterInstance, MetadataValue

from mlops_common.slack_alerts import SlackAlerts
from snowpatrol_assets.alerts import budget_alerts, report_anomaly_alerts
from tests.alert_support import Ticks, delivery_sensor


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
