"""Alerts posted to Slack through dagster-slack, as Block Kit messages (production)."""

import re
import time

from dagster_slack import SlackResource
from pydantic import Field

from mlops_common.alerting import Alert, AlertSink

SLACK_SECTION_LIMIT = 2900  # Slack rejects section text over 3,000 characters
SLACK_MAX_SECTIONS = 45  # a message holds at most 50 blocks
ALERT_EVENT_TYPE = "mlops_alert"
HISTORY_DAYS = 3
"""How far back the channel's history is read to find alerts an earlier attempt delivered."""
HISTORY_PAGES = 5


class SlackAlerts(SlackResource, AlertSink):
    """Posts each alert to a Slack channel through the Slack Web API (chat.postMessage).

    Each message carries its alert ids as Slack message metadata. Before alerts are sent, the
    channel's recent history (conversations.history) is read for those ids, so an alert whose
    post timed out after Slack accepted it is not posted twice. The bot needs `chat:write` and
    `channels:history` (`groups:history` for a private channel); `channel` is the channel ID.
    """

    channel: str = Field(description="ID of the channel to post to, e.g. C0123456789.")
    base_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API root (tests use a local one)."
    )
    timeout_seconds: int = Field(default=30, description="How long one Slack call may take.")

    def get_client(self):
        from slack_sdk import WebClient

        return WebClient(token=self.token, base_url=self.base_url, timeout=self.timeout_seconds)

    def deliver(self, alert: Alert) -> str:
        response = self.get_client().chat_postMessage(
            channel=self.channel,
            text=alert.title,
            blocks=slack_blocks(alert.title, alert.markdown, self.links(alert)),
            metadata={"event_type": ALERT_EVENT_TYPE, "event_payload": {"ids": list(alert.ids)}},
        )
        return f"slack:{self.channel}:{response.get('ts', '')}"

    def delivered_ids(self, ids: set[str]) -> set[str]:
        client, held, cursor = self.get_client(), set(), None
        oldest = f"{time.time() - HISTORY_DAYS * 86400:.6f}"
        for _ in range(HISTORY_PAGES):
            page = client.conversations_history(
                channel=self.channel,
                oldest=oldest,
                limit=200,
                include_all_metadata=True,
                cursor=cursor,
            )
            for message in page.get("messages", []):
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") == ALERT_EVENT_TYPE:
                    held.update(metadata.get("event_payload", {}).get("ids", []))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return held & ids


def slack_blocks(title: str, markdown: str, links: list[tuple[str, str]] = ()) -> list[dict]:
    """Block Kit blocks for an alert: a header, the body as mrkdwn sections, and a button per
    link (links are buttons, never text, so nothing from data can become a link)."""
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    sections = _chunks(to_slack_mrkdwn(markdown), SLACK_SECTION_LIMIT)
    if len(sections) > SLACK_MAX_SECTIONS:
        sections = [*sections[: SLACK_MAX_SECTIONS - 1], "_… truncated, see the full report._"]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]
    buttons = [
        {"type": "button", "text": {"type": "plain_text", "text": label[:75]}, "url": url}
        for label, url in links
        if url.startswith(("https://", "http://"))
    ]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
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
        if is_table_row:  # no Markdown escaping inside a code block
            out.append(re.sub(r"\\([\\|])", r"\1", line))
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
