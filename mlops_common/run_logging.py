"""Run-logger settings shared by the headless demo runs of both locations."""

QUIET_CONSOLE = {"console": {"config": {"log_level": "WARNING"}}}
"""Run loggers for in-process demo runs: warnings only, so the printed summary stays readable
(every event is still in the run's log in the UI)."""
