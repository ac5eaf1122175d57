"""The first usage day Snowpatrol knows of: one setting for the usage-day partitions and for
the simulated account's history (SNOWPATROL_HISTORY_START, an ISO date)."""

import os
from collections.abc import Mapping
from datetime import date

HISTORY_START_VARIABLE = "SNOWPATROL_HISTORY_START"
DEFAULT_HISTORY_START = date(2025, 10, 1)


def history_start(environ: Mapping[str, str] | None = None) -> date:
    """SNOWPATROL_HISTORY_START, or 2025-10-01 when it is not set."""
    environ = os.environ if environ is None else environ
    raw = environ.get(HISTORY_START_VARIABLE)
    try:
        return date.fromisoformat(raw) if raw else DEFAULT_HISTORY_START
    except ValueError:
        raise ValueError(
            f"{HISTORY_START_VARIABLE}={raw!r} is not an ISO date (YYYY-MM-DD)"
        ) from None
