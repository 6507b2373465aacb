"""helm-run end to end on the bundled local model, offline, then resumed from the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("transformers")

pytestmark = [pytest.mark.slow, pytest.mark.model]

SRC = Path(__file__).resolve().parents[2] / "src"


def helm_run(tmp_path: Path, data: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "holistic.cli.run",
        "--run-specs", "mmlu:subject=philosophy,model=huggingface/smollm2-135m-instruct",
        "--suite", "t", "--max-eval-instances", "4", "--data-mirror", str(data),
        "-o", str(tmp_path / "out"), "--local-path", str(tmp_path / "prod_env"), *extra,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


def test_mmlu_on_the_bundled_model_runs_offline_and_resumes(tmp_path, shared_data):
    first = helm_run(tmp_path, shared_data)
    assert first.returncode == 0, first.stderr
    run = next((tmp_path / "out" / "runs" / "t").glob("mmlu:*"))
    states = json.loads((run / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 4
    for state in states:
        result = state["result"]
        assert result["success"] and not result["cached"]
        (completion,) = result["completions"]
        # HELM v0.1's joint preset (the default profile) asks for the top 1 token (HELM 0.5: top 5).
        assert len(completion["tokens"]) == 1 and len(completion["tokens"][0]["top_logprobs"]) == 1
    stats = {s["name"]["name"] for s in json.loads((run / "stats.json").read_text())}
    assert {"exact_match", "num_prompt_tokens", "inference_runtime"} <= stats

    (tmp_path / "out" / "runs").rename(tmp_path / "first_runs")
    second = helm_run(tmp_path, shared_data)
    assert second.returncode == 0, second.stderr
    again = json.loads(
        (next((tmp_path / "out" / "runs" / "t").glob("mmlu:*")) / "scenario_state.json").read_text()
    )
    assert all(s["result"]["cached"] for s in again["request_states"])
    assert [s["result"]["completions"] for s in again["request_states"]] == [
        s["result"]["completions"] for s in states
    ]
