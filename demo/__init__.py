"""`make run` and `make demo`: both pipelines on the local defaults, then the Dagster UI."""
