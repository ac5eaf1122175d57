"""A run worker killed in the middle of a step (out of memory, SIGKILL) must not block its
table pool for good: once the dead run is terminated, the daemon frees the pool's slot and the
location's table assets can run again."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml
from dagster import DagsterInstance, DagsterRunStatus

from tests.e2e_support import REPO, wait_for

SHIPPED_INSTANCE = REPO / "dagster_instance" / "dagster.yaml"
POOL = "snowpatrol_tables"
HOLDER = textwrap.dedent(
    f"""
    import time
    from dagster import in_process_executor, job, op

    @op(pool="{POOL}")
    def store_tables():
        time.sleep(600)

    @job(executor_def=in_process_executor)  # the step runs in the worker the test kills
    def hold_the_table_pool():
        store_tables()
    """
)


def test_the_pool_slot_of_a_killed_run_is_freed_once_the_run_is_terminated(
    local_dagster_home, tmp_path
):
    settings = yaml.safe_load(SHIPPED_INSTANCE.read_text())
    monitoring = settings["run_monitoring"]
    assert monitoring["enabled"] and monitoring["free_slots_after_run_end_seconds"] <= 300
    # The shipped delays, shortened so the test takes seconds rather than minutes.
    monitoring.update(free_slots_after_run_end_seconds=1, poll_interval_seconds=1)
    (local_dagster_home / "dagster.yaml").write_text(yaml.safe_dump(settings))
    jobs = tmp_path / "holder.py"
    jobs.write_text(HOLDER)
    env = {**os.environ, "DAGSTER_HOME": str(local_dagster_home)}
    dagster = Path(sys.executable).with_name("dagster")
    instance = DagsterInstance.get()

    worker = subprocess.Popen(
        [dagster, "job", "execute", "-f", jobs, "-j", "hold_the_table_pool"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the worker and its log-capturing helpers, killed together
    )
    try:
        wait_for("the step to claim its pool slot", lambda: _claimed(instance), 60)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    (run,) = instance.get_runs()
    assert run.status == DagsterRunStatus.STARTED  # nothing noticed the worker die
    assert _claimed(instance) == [run.run_id]

    instance.report_run_canceled(run, "run worker killed")  # the UI's "force termination"
    daemon = subprocess.Popen(
        [Path(sys.executable).with_name("dagster-daemon"), "run", "-f", jobs],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"the {POOL} slot of the dead run to be freed", lambda: not _claimed(instance), 90)
    finally:
        daemon.terminate()
        daemon.wait(30)


def _claimed(instance: DagsterInstance) -> list[str]:
    """Run ids holding a slot of the pool."""
    info = instance.event_log_storage.get_concurrency_info(POOL)
    return [slot.run_id for slot in info.claimed_slots]
