"""A run-failure sensor that sends the failure through the location's alert sink."""

from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

from mlops_common.alerting import AlertSink


def build_run_failure_alert_sensor(location: str):
    """Alerts on every failed run of this code location, naming the job, run and error."""

    @run_failure_sensor(
        name=f"{location}_run_failure_alert",
        description=f"Sends an alert when a run of the {location} location fails.",
        default_status=DefaultSensorStatus.RUNNING,
    )
    def run_failure_alert(context: RunFailureSensorContext, alerts: AlertSink):
        run = context.dagster_run
        error = context.failure_event.message or "no error message"
        alerts.send(
            f"{location}: run of {run.job_name} failed",
            f"**Run** `{run.run_id}`\n\n**Error**\n\n{error}",
        )

    return run_failure_alert
