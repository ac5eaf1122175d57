"""The `record_anomaly_feedback` job: a person labels an anomaly or silences a warehouse."""

from datetime import date

from dagster import Config, OpExecutionContext, job, op
from pydantic import Field

from snowpatrol_assets.feedback import AnomalyFeedback, Label, feedback_row


class FeedbackConfig(Config):
    warehouse_key: str = Field(
        description="The warehouse's key as the report and partitions show it, e.g. ACME_PROD/101."
    )
    label: Label = Field(
        description="real: a true anomaly. expected / false_alarm: not one, never alert it "
        "again. silence: mute the warehouse from first_day to last_day."
    )
    first_day: str = Field(description="The anomaly's day, or the first silenced day (YYYY-MM-DD).")
    last_day: str | None = Field(default=None, description="Last silenced day (silence only).")
    note: str = Field(default="", description="Why, for the next reader (e.g. 'planned backfill').")


@op(description="Records one label or silence in the feedback table.")
def record_feedback(
    context: OpExecutionContext, config: FeedbackConfig, anomaly_feedback: AnomalyFeedback
) -> None:
    row = feedback_row(
        config.warehouse_key,
        date.fromisoformat(config.first_day),
        date.fromisoformat(config.last_day) if config.last_day else None,
        config.label,
        config.note,
    )
    anomaly_feedback.record(row)
    context.log.info(f"Recorded {config.label} for {config.warehouse_key} from {config.first_day}")


@job(
    description="Label an anomaly (real, expected, false_alarm) or silence a warehouse for a date "
    "range. Labelled and silenced anomalies are never alerted again; labels feed the detector "
    "evaluation."
)
def record_anomaly_feedback():
    record_feedback()
