# Two entry points: `make demo` (run everything locally, then serve the UI) and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup demo test lint

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

setup: $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml

demo: setup
	$(VENV)/bin/python -m mlops_common.demo
	$(VENV)/bin/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

test: setup
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
