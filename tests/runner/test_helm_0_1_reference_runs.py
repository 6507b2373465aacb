"""HELM v0.1.0's own runs (shared/reference/helm-0.1.0/runs/) reproduced with the default profile."""

from __future__ import annotations

import json

import pytest

from holistic.cli.run import main as helm_run

RUNS = {
    "mmlu-philosophy.json": "mmlu:subject=philosophy,model=simple/model1",
    "truthful-qa-mc-single.json": "truthful_qa:task=mc_single,model=simple/model1",
}


def _key(stat: dict) -> str:
    name = stat["name"]
    return f"{name['name']}|{name.get('split') or ''}|{name.get('perturbation', {}).get('name', '')}"


@pytest.mark.parametrize("reference_file", sorted(RUNS))
def test_default_profile_reproduces_helm_0_1_0(tmp_path, shared_data, shared_reference, reference_file):
    reference = json.loads((shared_reference / "helm-0.1.0" / "runs" / reference_file).read_text())
    assert reference["run_entry"] == RUNS[reference_file]
    code = helm_run([
        "--run-specs", reference["run_entry"], "--suite", "s", "-m", str(reference["max_eval_instances"]),
        "--data-mirror", str(shared_data), "-o", str(tmp_path / "out"), "--local-path", str(tmp_path / "env"),
        "-q",
    ])  # fmt: skip
    assert code == 0
    run_dir = tmp_path / "out" / "runs" / "s" / reference["run_dir_name"]
    run_spec = json.loads((run_dir / "run_spec.json").read_text())
    assert run_spec["name"] == reference["run_spec_name"]
    for field in ("method", "num_outputs", "max_tokens", "max_train_instances", "instructions"):
        assert run_spec["adapter_spec"][field] == reference["adapter_spec"][field], field
    assert json.loads((run_dir / "holistic_run.json").read_text()) == {"helm_version": "0.1"}

    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    assert len(states) == reference["num_request_states"] == len(reference["request_states"])
    for mine, theirs in zip(states, reference["request_states"]):
        assert mine["instance"]["id"] == theirs["instance_id"]
        assert mine["request"]["prompt"] == theirs["prompt"], theirs["instance_id"]
        assert mine.get("output_mapping") == theirs.get("output_mapping")
        assert [c["text"] for c in mine["result"]["completions"]] == theirs["completions"]
        assert (mine["num_train_instances"], mine["prompt_truncated"]) == (
            theirs["num_train_instances"],
            theirs["prompt_truncated"],
        )

    # Every stat HELM v0.1.0 wrote (calibration included), except those that depend on the clock.
    means = {_key(s): s.get("mean") for s in json.loads((run_dir / "stats.json").read_text())}
    expected = {k: v for k, v in reference["stats"].items() if k not in reference["timing_dependent_stats"]}
    assert set(means) >= set(expected)
    for key, value in expected.items():
        assert means[key] == pytest.approx(value), key
