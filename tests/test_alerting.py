"""Alert formatting for Slack and the local outbox."""

from pathlib import Path

import pytest

from mlops_common.alerting import Alert, LocalOutboxAlerts
from mlops_common.resource_sets import local_outbox
from mlops_common.slack_alerts import slack_blocks, to_slack_mrkdwn

FENCE = "```"
SLACK_SECTION_MAX = 3000  # Slack rejects a section whose text is longer
SLACK_BLOCK_MAX = 50  # and a message with more blocks


def _table(rows: int, width: int = 0) -> str:
    body = "\n".join(
        f"| ACME_PROD | WAREHOUSE_{i:04d}{'X' * width} | 2026-01-05 | {i:.2f} |"
        for i in range(rows)
    )
    return "| Account | Warehouse | Day | Credits |\n|---|---|---|---:|\n" + body


def _report(rows: int, width: int = 0) -> str:
    return f"# Anomalies\n\n**{rows} anomalies** found.\n\n{_table(rows, width)}\n\nSee the report."


def _sections(blocks: list[dict]) -> list[str]:
    assert all(b["type"] == "section" and b["text"]["type"] == "mrkdwn" for b in blocks[1:])
    return [b["text"]["text"] for b in blocks[1:]]


def _table_rows_outside_code(section: str) -> list[str]:
    outside, in_code = [], False
    for line in section.splitlines():
        if line.strip() == FENCE:
            in_code = not in_code
        elif line.startswith("|") and not in_code:
            outside.append(line)
    return outside


def test_headings_and_bold_become_slack_mrkdwn():
    text = to_slack_mrkdwn("# Snowflake usage\n## Not scored\n**12.5 credits** above, **2** days")
    assert text.splitlines() == [
        "*Snowflake usage*",
        "*Not scored*",
        "*12.5 credits* above, *2* days",
    ]


def test_tables_become_code_blocks_and_are_left_as_written():
    markdown = "Before\n| a | **b** |\n|---|---|\n| 1 | 2 |\nAfter\n| c |\n"

    lines = to_slack_mrkdwn(markdown).splitlines()

    assert lines == [
        "Before",
        FENCE,
        "| a | **b** |",
        "|---|---|",
        "| 1 | 2 |",
        FENCE,
        "After",
        FENCE,
        "| c |",
        FENCE,  # a table at the very end is closed too
    ]


def test_names_from_data_cannot_mention_or_link_and_lose_their_table_escape():
    markdown = "Warehouse <!channel> & co\n| ACME | A\\|B <x> |\n"

    lines = to_slack_mrkdwn(markdown).splitlines()

    assert lines[0] == "Warehouse &lt;!channel&gt; &amp; co"
    assert lines[2] == "| ACME | A|B &lt;x&gt; |"


def test_plain_text_is_unchanged():
    text = "Full report: `reports/a.md`\n\n- ETL_WH: too little history"
    assert to_slack_mrkdwn(text) == text


def test_short_alert_is_a_header_and_one_section():
    blocks = slack_blocks("Snowpatrol: 2 new anomalies", _report(2))

    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Snowpatrol: 2 new anomalies"},
    }
    [section] = _sections(blocks)
    assert section == to_slack_mrkdwn(_report(2))


def test_header_is_cut_to_slacks_150_characters():
    blocks = slack_blocks("T" * 400, "body")
    assert blocks[0]["text"]["text"] == "T" * 150


@pytest.mark.parametrize("rows", [150, 600])
def test_long_alert_is_chunked_into_sections_slack_accepts(rows):
    blocks = slack_blocks("Snowpatrol", _report(rows))

    sections = _sections(blocks)
    assert len(sections) > 1
    assert len(blocks) <= SLACK_BLOCK_MAX
    for section in sections:
        assert len(section) <= SLACK_SECTION_MAX
        assert sum(line.strip() == FENCE for line in section.splitlines()) % 2 == 0
        assert _table_rows_outside_code(section) == []  # each part of the table stays code


def test_every_row_is_sent_when_the_alert_fits():
    sections = _sections(slack_blocks("Snowpatrol", _report(150)))

    sent = [line for s in sections for line in s.splitlines() if "WAREHOUSE_" in line]
    assert sent == [line for line in _table(150).splitlines() if "WAREHOUSE_" in line]
    assert sections[-1].endswith("See the report.")


def test_an_alert_too_long_for_one_message_says_it_was_truncated():
    sections = _sections(slack_blocks("Snowpatrol", _report(3000)))

    assert "truncated" in sections[-1]
    assert "WAREHOUSE_0000" in sections[0]
    assert all("WAREHOUSE_2999" not in s for s in sections)


def test_a_single_huge_line_is_cut_to_fit_a_section():
    sections = _sections(slack_blocks("Snowpatrol", "x" * 10_000 + "\nend"))

    assert all(len(s) <= SLACK_SECTION_MAX for s in sections)
    assert sections[-1].endswith("end")


def test_outbox_alert_is_a_markdown_file_with_title_and_body(tmp_path):
    outbox = tmp_path / "outbox" / "snowpatrol"
    alerts = LocalOutboxAlerts(outbox=str(outbox))

    first = Path(alerts.deliver(Alert(("a", "b"), "Snowpatrol: 2 new anomalies", _report(2))))
    second = Path(alerts.deliver(Alert(("c",), "Snowpatrol: 1 new anomaly", "**ETL_WH**")))

    assert first.parent == outbox and first.suffix == ".md"
    assert first.read_text().endswith(f"# Snowpatrol: 2 new anomalies\n\n{_report(2)}\n")
    assert "snowpatrol-2-new-anomalies" in first.name
    assert second != first
    assert "# Snowpatrol: 1 new anomaly\n\n**ETL_WH**" in second.read_text()
    assert sorted(outbox.iterdir()) == sorted([first, second])
    assert alerts.delivered_ids({"a", "c", "d"}) == {"a", "c"}


def test_local_alert_sink_writes_under_the_dagster_home(local_dagster_home):
    sink = local_outbox("snowpatrol")

    assert isinstance(sink, LocalOutboxAlerts)
    written = Path(sink.deliver(Alert(("id",), "title", "body")))
    assert written.is_relative_to(local_dagster_home)
    assert written.parent.name == "snowpatrol"
