# Entry points: `make run` (both pipelines, headless), `make demo` (run, then the UI), `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
HOST ?= 127.0.0.1
PORT ?= 3000
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup run demo ui test lint

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
		echo "This project needs Python 3.11: install it (e.g. python3.11 from your package manager or pyenv) or run 'make PYTHON=/path/to/python3.11 ...'." >&2; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# --compile-bytecode: processes then load the packages precompiled, even where
# PYTHONDONTWRITEBYTECODE is set (it is on this machine: each process, each worker of the
# per-warehouse pool and each test subprocess compiled every module it imported).
setup: $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	mkdir -p $(DAGSTER_HOME)
	cp dagster_instance/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

run: setup
	$(VENV)/bin/python -m demo.run

demo: run ui

ui: setup
	$(VENV)/bin/python -m demo.serve --host $(HOST) --port $(PORT)

test: setup
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
