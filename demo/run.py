"""`make demo`: materialises both locations' graphs on the local defaults into $DAGSTER_HOME."""

import os
import sys

from dagster import DagsterInstance

from mlops_common.environment import is_production

QUIET_CONSOLE = {"console": {"config": {"log_level": "WARNING"}}}
"""Run loggers for the demo's in-process runs: warnings only, so the summary stays readable
(every event is still in the run's log in the UI)."""


def main() -> int:
    if is_production():
        print("The demo runs on the local defaults; unset DAGSTER_DEPLOYMENT.", file=sys.stderr)
        return 2
    if not os.environ.get("DAGSTER_HOME"):
        print("Set DAGSTER_HOME (make demo does) so the UI shows the runs.", file=sys.stderr)
        return 2
    from cookie_assets.demo import materialize_local_demo as cookie_demo
    from snowpatrol_assets.demo import materialize_local_demo as snowpatrol_demo

    instance = DagsterInstance.get()
    for demo in (snowpatrol_demo, cookie_demo):
        print("\n".join(demo(instance)), flush=True)
    print("Serving the Dagster UI on http://127.0.0.1:3000 ...", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
