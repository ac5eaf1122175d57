"""A `.env` file cannot switch a machine to production by accident, nor leak into git."""

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_env_files_are_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO, check=False)
    assert ignored.returncode == 0


def test_the_example_sets_nothing_until_a_line_is_uncommented():
    lines = (REPO / ".env.example").read_text().splitlines()
    active = [line for line in lines if re.match(r"^\s*[A-Z_]+\s*=", line)]
    assert active == []
    assert any(line.startswith("# DAGSTER_DEPLOYMENT=prod") for line in lines)  # not empty
