"""Alerts: a local outbox folder and the run log by default, Slack in production (slack_alerts)."""

import re
from datetime import UTC, datetime
from pathlib import Path

from dagster import ConfigurableResource, get_dagster_logger
from pydantic import Field


class AlertSink(ConfigurableResource):
    """Somewhere a person will read an alert. `send` returns where the alert went."""

    def send(self, title: str, markdown: str) -> str:
        raise NotImplementedError


class LocalOutboxAlerts(AlertSink):
    """Writes each alert as a Markdown file into an outbox folder and to the Dagster log."""

    outbox: str = Field(description="Folder the alert files are written to.")

    def send(self, title: str, markdown: str) -> str:
        folder = Path(self.outbox)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        path = folder / f"{stamp}-{slug}.md"
        path.write_text(f"# {title}\n\n{markdown}\n")
        get_dagster_logger().warning(f"ALERT {title} (written to {path})\n{markdown}")
        return str(path)


def alert_sink(location: str) -> AlertSink:
    """Slack (SLACK_BOT_TOKEN, SLACK_CHANNEL) in production, the local outbox otherwise."""
    from dagster import EnvVar

    from mlops_common.environment import is_production, local_data_dir

    if is_production():
        from mlops_common.slack_alerts import SlackAlerts

        return SlackAlerts(token=EnvVar("SLACK_BOT_TOKEN"), channel=EnvVar("SLACK_CHANNEL"))
    return LocalOutboxAlerts(outbox=str(local_data_dir() / "outbox" / location))
