"""MMLU with the separate methods end to end on simple/model1, checked against HELM's own output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from holistic.cli.run import main

ORIGINAL = "mmlu:subject=abstract_algebra,method=multiple_choice_separate_original,model=simple/model1"
CALIBRATED = "mmlu:subject=abstract_algebra,method=multiple_choice_separate_calibrated,model=simple/model1"


def _run(tmp_path: Path, shared_data: Path, description: str, max_eval: int) -> Path:
    code = main([
        "--run-specs", description, "--suite", "t", "-m", str(max_eval), "--data-mirror", str(shared_data),
        "--output-path", str(tmp_path / "out"), "--local-path", str(tmp_path / "env"), "-q",
    ])  # fmt: skip
    assert code == 0
    (run_dir,) = (tmp_path / "out" / "runs" / "t").glob("mmlu*")
    return run_dir


def _means(run_dir: Path) -> dict[tuple[str, str | None, str | None], float]:
    stats = json.loads((run_dir / "stats.json").read_text())
    return {
        (s["name"]["name"], s["name"].get("split"), s["name"].get("perturbation", {}).get("name")): s.get(
            "mean"
        )
        for s in stats
    }


@pytest.mark.slow
def test_original_matches_helm_reference(tmp_path, shared_data, shared_reference):
    reference = json.loads((shared_reference / "mmlu-abstract-algebra-separate.json").read_text())
    run_dir = _run(tmp_path, shared_data, ORIGINAL, reference["max_eval_instances"])
    assert run_dir.name == reference["run_dir_name"]
    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    assert len(states) == reference["num_request_states"] == 20
    for mine, theirs in zip(states, reference["request_states"]):
        assert mine["instance"]["id"] == theirs["instance_id"]
        assert (mine["reference_index"], mine["request_mode"]) == (
            theirs["reference_index"],
            theirs["request_mode"],
        )
        assert mine["request"]["prompt"] == theirs["prompt"]
        for field in (
            "temperature",
            "num_completions",
            "top_k_per_token",
            "max_tokens",
            "stop_sequences",
            "echo_prompt",
        ):
            assert mine["request"][field] == theirs["request"][field], field
        assert [c["text"] for c in mine["result"]["completions"]] == theirs["completions"]
        assert (mine["num_train_instances"], mine["prompt_truncated"]) == (
            theirs["num_train_instances"],
            theirs["prompt_truncated"],
        )

    means = _means(run_dir)
    for key, value in reference["stats"].items():
        name, split, perturbation = key.split("|")
        if name in ("exact_match", "max_prob", "predicted_index", "num_instances"):
            assert means[(name, split, perturbation or None)] == pytest.approx(value), key
    # All four references tie (simple/model1 gives log-probability 0), so each instance gets 1/4 credit.
    assert means[("exact_match", "test", None)] == 0.25


@pytest.mark.slow
def test_calibrated_runs_end_to_end(tmp_path, shared_data):
    run_dir = _run(tmp_path, shared_data, CALIBRATED, 5)
    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 40
    first = states[:8]
    assert [(s["reference_index"], s["request_mode"]) for s in first] == [
        (i, mode) for i in range(4) for mode in ("original", "calibration")
    ]
    assert first[0]["request"]["prompt"] == "Compute the product in the given ring. (12)(16) in Z_24 0"
    assert first[1]["request"]["prompt"] == "Answer: 0"
    means = _means(run_dir)
    assert means[("exact_match", "test", None)] == 0.25
    assert means[("num_instances", "valid", None)] == 2
