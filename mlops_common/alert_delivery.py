"""The one sensor per code location that delivers alerts, and the alerts both locations raise.

Each tick gathers the alerts the instance's records call for (`AlertSource`s), leaves out ids
delivered before (kept in the cursor for `MEMORY_DAYS`) and ids the sink already holds (an
earlier attempt that timed out after the sink accepted it), and sends the rest. An alert the
sink refuses stays pending and is retried on the next tick: the tick fails, naming the error.
"""

import json
import time
from collections.abc import Callable

from dagster import (
    AssetCheckKey,
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from mlops_common.alerting import Alert, AlertSink
from mlops_common.markdown import md_cell

IsNew = Callable[[str], bool]
AlertSource = Callable[[DagsterInstance, IsNew], list[Alert]]
"""Alerts for the ids `is_new` accepts, built from what the instance has recorded."""

MEMORY_DAYS = 90
LOOKBACK_DAYS = 7
"""Failed runs and checks older than this are not alerted any more (nor retried)."""
DAY_SECONDS = 86_400


class AlertDeliveryError(RuntimeError):
    """The sink refused some alerts; they stay pending and are retried on the next tick."""


def build_alert_delivery_sensor(location: str, sources: list[AlertSource]):
    """The location's alert sensor: every alert of `sources` delivered once to `alerts`."""

    @sensor(
        name=f"{location}_alert_delivery",
        description=f"Delivers the {location} location's alerts (Slack in production, the local "
        "outbox otherwise): each one once, retried until the sink accepts it.",
        minimum_interval_seconds=30,
        default_status=DefaultSensorStatus.RUNNING,
    )
    def deliver_alerts(context: SensorEvaluationContext, alerts: AlertSink):
        delivered: dict[str, float] = json.loads(context.cursor) if context.cursor else {}
        pending = _gather(context.instance, sources, delivered)
        if not pending:
            return SkipReason("No new alerts")
        now = time.time()
        held = alerts.delivered_ids({i for alert in pending for i in alert.ids})
        delivered.update(dict.fromkeys(held, now))
        if held:  # rebuilt without what an earlier, timed-out attempt already delivered
            context.log.info(f"{len(held)} alert ids were already delivered: {sorted(held)[:5]}")
            pending = _gather(context.instance, sources, delivered)
        errors = []
        for alert in pending:
            try:
                where = alerts.deliver(alert)
            except Exception as error:  # any refusal: the alert stays pending
                errors.append(f"{alert.title}: {type(error).__name__}: {error}")
                continue
            delivered.update(dict.fromkeys(alert.ids, now))
            context.log.info(f"Delivered '{alert.title}' to {where}")
        if errors:
            raise AlertDeliveryError(
                f"{len(errors)} of {len(pending)} alerts were not delivered and will be retried "
                "on the next tick: " + "; ".join(errors)
            )
        forget_before = now - MEMORY_DAYS * DAY_SECONDS
        kept = {i: t for i, t in delivered.items() if t >= forget_before}
        return SensorResult(cursor=json.dumps(kept))

    return deliver_alerts


def _gather(instance, sources: list[AlertSource], delivered: dict) -> list[Alert]:
    return [alert for source in sources for alert in source(instance, lambda i: i not in delivered)]


def failed_run_alerts(location: str) -> AlertSource:
    """One alert per failed run of this location, naming the job, the run and the error."""

    def collect(instance: DagsterInstance, is_new: IsNew) -> list[Alert]:
        since = time.time() - LOOKBACK_DAYS * DAY_SECONDS
        records = instance.get_run_records(
            RunsFilter(statuses=[DagsterRunStatus.FAILURE], updated_after=_utc(since)), limit=200
        )
        alerts = []
        for record in records:
            run = record.dagster_run
            origin = run.remote_job_origin
            if origin is not None and origin.location_name != location:
                continue
            alert_id = f"run-failure:{run.run_id}"
            if is_new(alert_id):
                error = _failure_message(instance, run.run_id)
                alerts.append(
                    Alert(
                        (alert_id,),
                        f"{location}: run of {run.job_name} failed",
                        f"**Run** `{run.run_id}`\n\n**Error**\n\n```\n{error}\n```",
                    )
                )
        return alerts

    return collect


def _failure_message(instance: DagsterInstance, run_id: str) -> str:
    """What went wrong: the first failed step's own words (a `Failure` description, or the
    error that made the step fail), else the run failure's message."""
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        data = entry.dagster_event.step_failure_data
        if data.user_failure_data and data.user_failure_data.description:
            return _fenced(data.user_failure_data.description)
        error = data.error
        while error is not None and error.cause is not None:
            error = error.cause
        if error is not None:
            return _fenced(f"{error.cls_name}: {error.message}")
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE):
        return _fenced(entry.dagster_event.message or "")
    return "no error message"


def _fenced(text: str) -> str:
    """Text safe inside a fenced code block, at most 1,500 characters."""
    return text.strip().replace("```", "'''")[:1500] or "no error message"


def failed_check_alerts(
    check_keys: list[AssetCheckKey], title: Callable[[str], str]
) -> AlertSource:
    """One alert per failed evaluation of these checks, naming the check, partition and what it
    found. Evaluations of an unchanged file (same `fingerprint` metadata) share their id, so a
    re-run on the same bad file does not alert again. `title(subject)` words the alert."""

    def collect(instance: DagsterInstance, is_new: IsNew) -> list[Alert]:
        from dagster._core.storage.asset_check_execution_record import (
            AssetCheckExecutionRecordStatus,
        )

        since = time.time() - LOOKBACK_DAYS * DAY_SECONDS
        found: dict[str, list] = {}
        for key in check_keys:
            records = instance.event_log_storage.get_asset_check_execution_history(
                key, limit=50, status={AssetCheckExecutionRecordStatus.FAILED}
            )
            for record in records:
                if record.create_timestamp < since or record.event is None:
                    continue
                evaluation = record.event.dagster_event.event_specific_data
                metadata = {k: v.value for k, v in evaluation.metadata.items()}
                version = metadata.get("fingerprint") or record.run_id
                subject = metadata.get("file") or key.asset_key.to_user_string()
                alert_id = f"check:{key.to_user_string()}:{record.partition or ''}:{version}"
                if is_new(alert_id):
                    found.setdefault(f"{subject}\n{version}", []).append((alert_id, key, metadata))
        return [_check_alert(title, group) for group in found.values()]

    return collect


def _check_alert(title: Callable[[str], str], group: list) -> Alert:
    subject = group[0][2].get("file") or group[0][1].asset_key.to_user_string()
    sections = [f"`{md_cell(subject)}` failed {len(group)} check(s):"]
    for _, key, metadata in group:
        details = metadata.get("issues") or metadata.get("reasons") or ""
        sections.append(f"**{key.name}**\n\n{details}".rstrip())
    return Alert(tuple(i for i, _, _ in group), title(subject), "\n\n".join(sections))


def _utc(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)
