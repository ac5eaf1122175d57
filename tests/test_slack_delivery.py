"""Alerts delivered through the Slack Web API, here a fake Slack server on 127.0.0.1."""

import pytest
from slack_sdk.errors import SlackApiError

from mlops_common.alerting import Alert
from mlops_common.slack_alerts import SlackAlerts


def _long_report(rows: int) -> str:
    table = "\n".join(
        f"| ACME_PROD | WAREHOUSE_{i:03d} | 2026-01-05 | {100 + i:.2f} | 10.00 | {90 + i:.2f} |"
        for i in range(rows)
    )
    return (
        "# Snowflake usage anomalies\n\n**3 anomalous warehouse-days** above expected.\n\n"
        "| Account | Warehouse | Day | Credits | Expected | Excess |\n"
        "|---|---|---|---:|---:|---:|\n"
        f"{table}\n\nFull report: `reports/anomaly_report_2026-01-05.md`"
    )


def _posted(fake_slack) -> list[dict]:
    return fake_slack.calls("chat.postMessage")


def test_slack_alert_posts_one_message_with_blocks(fake_slack):
    alerts = SlackAlerts(
        token=fake_slack.token, channel="#snowflake-alerts", base_url=fake_slack.base_url
    )

    where = alerts.deliver(Alert(("test-alert",), "Snowpatrol: 3 new anomalies", _long_report(3)))

    [request] = _posted(fake_slack)
    assert request["headers"]["Authorization"] == f"Bearer {fake_slack.token}"
    body = request["body"]
    assert body["channel"] == "#snowflake-alerts"
    assert body["text"] == "Snowpatrol: 3 new anomalies"
    header, *sections = body["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Snowpatrol: 3 new anomalies"},
    }
    assert sections and all(s["type"] == "section" for s in sections)
    assert all(s["text"]["type"] == "mrkdwn" for s in sections)
    text = "\n".join(s["text"]["text"] for s in sections)
    assert "*Snowflake usage anomalies*" in text and "*3 anomalous warehouse-days*" in text
    assert "**" not in text and "# " not in text
    table_start = text.index("| Account | Warehouse |")
    assert text[:table_start].endswith("```\n")  # the table is a code block
    assert "| ACME_PROD | WAREHOUSE_002 |" in text
    assert text.count("```") == 2
    assert where.startswith("slack:#snowflake-alerts:") and where != "slack:#snowflake-alerts:"


def test_long_slack_alert_is_split_into_sections_slack_accepts(fake_slack):
    alerts = SlackAlerts(
        token=fake_slack.token, channel="#snowflake-alerts", base_url=fake_slack.base_url
    )

    alerts.deliver(Alert(("test-alert",), "Snowpatrol: 400 new anomalies", _long_report(400)))

    [request] = _posted(fake_slack)
    blocks = request["body"]["blocks"]
    sections = [b["text"]["text"] for b in blocks[1:]]
    assert len(sections) > 1 and len(blocks) <= 50
    assert all(len(s) <= 3000 for s in sections)
    assert all(s.count("```") % 2 == 0 for s in sections)  # every section renders its table
    posted = "\n".join(sections)
    assert "WAREHOUSE_000" in posted and "WAREHOUSE_399" in posted


def test_slack_rejects_a_wrong_token_with_a_clear_error(fake_slack):
    alerts = SlackAlerts(
        token="xoxb-wrong-token", channel="#snowflake-alerts", base_url=fake_slack.base_url
    )

    with pytest.raises(SlackApiError, match="invalid_auth") as raised:
        alerts.deliver(Alert(("test-alert",), "Snowpatrol: 1 new anomaly", "body"))

    assert raised.value.response["error"] == "invalid_auth"
    [request] = _posted(fake_slack)
    assert request["headers"]["Authorization"] == "Bearer xoxb-wrong-token"


def test_slack_token_is_checked_by_auth_test(fake_slack):
    alerts = SlackAlerts(
        token=fake_slack.token, channel="#snowflake-alerts", base_url=fake_slack.base_url
    )
    assert alerts.get_client().auth_test()["ok"] is True
    assert fake_slack.calls("auth.test")[0]["path"] == "/api/auth.test"
