"""`make run`: materialises both locations' graphs on the local defaults into $DAGSTER_HOME and
prints what they found (also written to $DAGSTER_HOME/demo_summary.txt)."""

import os
import sys
from pathlib import Path

from mlops_common.environment import is_production

SUMMARY_FILE = "demo_summary.txt"


def main() -> int:
    if is_production():
        print("The demo runs on the local defaults; unset DAGSTER_DEPLOYMENT.", file=sys.stderr)
        return 2
    if not os.environ.get("DAGSTER_HOME"):
        print("Set DAGSTER_HOME (make run does) so the UI shows the runs.", file=sys.stderr)
        return 2
    from dagster import DagsterInstance

    from cookie_assets.demo import materialize_local_demo as cookie_demo
    from snowpatrol_assets.demo import materialize_local_demo as snowpatrol_demo

    instance = DagsterInstance.get()
    lines = []
    for demo in (snowpatrol_demo, cookie_demo):
        section = demo(instance)
        print("\n".join(section), flush=True)
        lines += [*section, ""]
    summary = Path(os.environ["DAGSTER_HOME"]) / SUMMARY_FILE
    summary.write_text("\n".join(lines))
    print(f"This summary is also in {summary}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
