"""MMLU with the separate methods end to end on simple/model1, checked against HELM's own output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from holistic.cli.run import main

ORIGINAL = "mmlu:subject=abstract_algebra,method=multiple_choice_separate_original,model=simple/model1"
CALIBRATED = "mmlu:subject=abstract_algebra,method=multiple_choice_separate_calibrated,model=simple/model1"


def _run(tmp_path: Path, shared_data: Path, description: str, max_eval: int, version: str = "0.5") -> Path:
    code = main([
        "--run-specs", description, "--suite", "t", "-m", str(max_eval), "--data-mirror", str(shared_data),
        "--output-path", str(tmp_path / "out"), "--local-path", str(tmp_path / "env"), "-q",
        "--helm-version", version,
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
@pytest.mark.parametrize(("version", "tied_exact_match"), [("0.5", 0.25), ("0.1", 1.0)])
def test_calibrated_runs_end_to_end(tmp_path, shared_data, version, tied_exact_match):
    run_dir = _run(tmp_path, shared_data, CALIBRATED, 5, version)
    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 40
    first = states[:8]
    assert [(s["reference_index"], s["request_mode"]) for s in first] == [
        (i, mode) for i in range(4) for mode in ("original", "calibration")
    ]
    assert first[0]["request"]["prompt"] == "Compute the product in the given ring. (12)(16) in Z_24 0"
    assert first[1]["request"]["prompt"] == "Answer: 0"
    means = _means(run_dir)
    # Every reference ties: HELM 0.5 shares the credit, HELM v0.1 counts a tie with the correct one as correct.
    assert means[("exact_match", "test", None)] == tied_exact_match
    assert means[("num_instances", "valid", None)] == 2


@pytest.mark.slow
def test_dry_run_writes_the_requests_and_token_stats_only(tmp_path, shared_data):
    code = main([
        "--run-specs", CALIBRATED.replace("simple/model1", "openai/davinci"), "--suite", "t", "-m", "3",
        "--data-mirror", str(shared_data), "--output-path", str(tmp_path / "out"),
        "--local-path", str(tmp_path / "env"), "--dry-run", "-q",
    ])  # fmt: skip
    assert code == 0
    (run_dir,) = (tmp_path / "out" / "runs" / "t").glob("mmlu*")
    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 24 and all("result" not in s for s in states)
    means = {s["name"]["name"]: s for s in json.loads((run_dir / "stats.json").read_text())}
    assert set(means) == {
        "estimated_num_tokens_cost",
        "num_completions",
        "max_num_output_tokens",
        "num_requests",
    }
    assert means["num_requests"]["sum"] == 24
    # OpenAI bills an echoed prompt twice (prompt + echo) and max_tokens is 0.
    from holistic.models.window_service import get_window_service

    window = get_window_service("openai/davinci")
    expected = sum(2 * window.get_num_tokens(s["request"]["prompt"]) for s in states)
    assert means["estimated_num_tokens_cost"]["sum"] == expected


def test_method_argument_switches_mmlu_between_joint_and_separate():
    from holistic.run_specs import build_run_spec

    joint = build_run_spec("mmlu", {"subject": "anatomy"})
    assert joint.adapter_spec.method == "multiple_choice_joint"
    for method in ("multiple_choice_separate_original", "multiple_choice_separate_calibrated"):
        run_spec = build_run_spec("mmlu", {"subject": "anatomy", "method": method})
        assert run_spec.name == f"mmlu:subject=anatomy,method={method}"
        adapter = run_spec.adapter_spec
        assert (adapter.method, adapter.instructions, adapter.input_prefix, adapter.output_prefix) == (
            method,
            "",
            "",
            " ",
        )
        assert (adapter.max_train_instances, adapter.max_tokens) == (0, 0)
