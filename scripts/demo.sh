#!/usr/bin/env bash
# A small, fully offline evaluation. Uses ../shared/data as a data mirror when it exists.
set -euo pipefail
mirror="${HOLISTIC_DATA_MIRROR:-../shared/data}"
specs=("synthetic_reasoning:mode=pattern_match,model=simple/model1")
if [ -d "$mirror/mmlu" ]; then
  export HOLISTIC_DATA_MIRROR="$(cd "$mirror" && pwd)"
  specs+=("mmlu:subject=philosophy,model=simple/model1")
fi
helm-run --run-specs "${specs[@]}" --suite demo --max-eval-instances 20
echo "outputs: benchmarking_output/runs/demo/"
