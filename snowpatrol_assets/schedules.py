"""Every morning, re-pull the last three usage days."""

from datetime import timedelta

from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, schedule

from snowpatrol_assets.jobs import refresh_metering
from snowpatrol_assets.sensors import RANGE_END, RANGE_START

LATE_CORRECTION_DAYS = 3


@schedule(
    job=refresh_metering,
    cron_schedule="0 7 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Daily at 07:00 UTC: re-materialises the last 3 usage days in one run, so "
    "Snowflake's late metering corrections replace earlier rows.",
)
def daily_metering_refresh(context: ScheduleEvaluationContext):
    yesterday = context.scheduled_execution_time.date() - timedelta(days=1)
    first = yesterday - timedelta(days=LATE_CORRECTION_DAYS - 1)
    return RunRequest(
        run_key=f"metering-{yesterday.isoformat()}",
        tags={RANGE_START: first.isoformat(), RANGE_END: yesterday.isoformat()},
    )
