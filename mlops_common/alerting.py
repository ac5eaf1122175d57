"""Alerts: what a person must read, delivered once to a sink (the local outbox or Slack).

Alerts are data first. Each one is derived from a record the Dagster instance keeps durably (a
report's anomalies, a failed check, a failed run) and carries stable ids; the delivery sensor
(`alert_delivery.py`) sends those the sink does not hold yet and retries the rest on its next
tick. Assets never send alerts. A sink answers which ids it already holds, so an alert whose
delivery timed out after it was accepted is not sent again.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from dagster import ConfigurableResource, get_dagster_logger
from pydantic import Field


@dataclass(frozen=True)
class Alert:
    """One message. `ids` are the stable ids of what it reports (an anomaly, a failed run, a
    bad file version); a message is never sent for ids the sink already holds. `ui_path` is
    the Dagster UI page to open (e.g. `/assets/anomaly_report`), `report_link` a stored
    report a person can open."""

    ids: tuple[str, ...]
    title: str
    markdown: str
    ui_path: str | None = None
    report_link: str | None = None


class AlertSink(ConfigurableResource):
    """Somewhere a person will read an alert."""

    ui_base_url: str | None = Field(
        default=None,
        description="The Dagster UI's address (e.g. https://dagster.example.com); alerts link to "
        "the page they are about. No link when unset.",
    )

    def links(self, alert: Alert) -> list[tuple[str, str]]:
        """(label, URL) of the pages an alert points to."""
        links = []
        if self.ui_base_url and alert.ui_path:
            links.append(("Open in Dagster", self.ui_base_url.rstrip("/") + alert.ui_path))
        if alert.report_link:
            links.append(("Open the report", alert.report_link))
        return links

    def deliver(self, alert: Alert) -> str:
        """Sends `alert`; returns where it went. Raises when the sink did not accept it."""
        raise NotImplementedError

    def delivered_ids(self, ids: set[str]) -> set[str]:
        """Which of `ids` the sink already holds (delivered by an earlier attempt)."""
        raise NotImplementedError


_MANIFEST = re.compile(r"^<!-- alert-ids: (.*) -->$")


class LocalOutboxAlerts(AlertSink):
    """Writes each alert as a Markdown file into an outbox folder (and a line to the run log)."""

    outbox: str = Field(description="Folder the alert files are written to.")

    def deliver(self, alert: Alert) -> str:
        folder = Path(self.outbox)
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", alert.title.lower()).strip("-")[:60]
        path = folder / f"{_message_id(alert)}-{slug}.md"
        temporary = path.with_suffix(".tmp")
        links = "".join(f"\n[{label}]({url})" for label, url in self.links(alert))
        temporary.write_text(
            f"<!-- alert-ids: {json.dumps(list(alert.ids))} -->\n# {alert.title}\n\n"
            f"{alert.markdown}\n{links}"
        )
        temporary.replace(path)  # a file is either whole or absent
        get_dagster_logger().info(f"Alert '{alert.title}' written to {path}")
        return str(path)

    def delivered_ids(self, ids: set[str]) -> set[str]:
        held: set[str] = set()
        for path in Path(self.outbox).glob("*.md"):
            with path.open() as handle:
                manifest = _MANIFEST.match(handle.readline().strip())
            if manifest:
                held.update(json.loads(manifest.group(1)))
        return held & ids


def _message_id(alert: Alert) -> str:
    from hashlib import sha256

    return sha256("\n".join(sorted(alert.ids)).encode()).hexdigest()[:16]
