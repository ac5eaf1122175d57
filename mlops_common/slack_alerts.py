"""Alerts posted to Slack through dagster-slack, as Block Kit messages (production)."""

import re

from dagster_slack import SlackResource
from pydantic import Field

from mlops_common.alerting import AlertSink

SLACK_SECTION_LIMIT = 2900  # Slack rejects section text over 3,000 characters
SLACK_MAX_SECTIONS = 45  # a message holds at most 50 blocks


class SlackAlerts(SlackResource, AlertSink):
    """Posts each alert to a Slack channel through the Slack Web API (chat.postMessage)."""

    channel: str = Field(description="Channel to post to, e.g. #snowflake-alerts.")
    base_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API root (tests use a local one)."
    )

    def get_client(self):
        from slack_sdk import WebClient

        return WebClient(token=self.token, base_url=self.base_url)

    def send(self, title: str, markdown: str) -> str:
        response = self.get_client().chat_postMessage(
            channel=self.channel, text=title, blocks=slack_blocks(title, markdown)
        )
        return f"slack:{self.channel}:{response.get('ts', '')}"


def slack_blocks(title: str, markdown: str) -> list[dict]:
    """Block Kit blocks for an alert: a header, then the body as mrkdwn sections."""
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    sections = _chunks(to_slack_mrkdwn(markdown), SLACK_SECTION_LIMIT)
    if len(sections) > SLACK_MAX_SECTIONS:
        sections = [*sections[: SLACK_MAX_SECTIONS - 1], "_… truncated, see the full report._"]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]
    return blocks


def to_slack_mrkdwn(markdown: str) -> str:
    """Slack has no tables or headings: headings become bold lines, tables code blocks.

    `&`, `<` and `>` are escaped so text from data (a warehouse name) can't mention or link.
    """
    out, in_table = [], False
    for line in markdown.splitlines():
        line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        is_table_row = line.lstrip().startswith("|")
        if is_table_row != in_table:
            out.append("```")
            in_table = is_table_row
        if is_table_row:
            out.append(line.replace("\\|", "|"))  # no Markdown escaping inside a code block
            continue
        heading = re.match(r"^#+\s+(.*)$", line)
        line = f"*{heading.group(1)}*" if heading else line
        out.append(re.sub(r"\*\*(.+?)\*\*", r"*\1*", line))
    if in_table:
        out.append("```")
    return "\n".join(out)


def _chunks(text: str, limit: int) -> list[str]:
    """Splits on line boundaries into pieces of at most `limit` characters, keeping code fences."""
    pieces, current = [], ""
    fence_open = False
    for line in text.splitlines():
        if current and len(current) + len(line) + 5 > limit:
            pieces.append(current + ("\n```" if fence_open else ""))
            current = "```\n" if fence_open else ""
        current += line[: limit - 10] + "\n"
        if line.strip() == "```":
            fence_open = not fence_open
    if current.strip():
        pieces.append(current.rstrip("\n"))
    return pieces
