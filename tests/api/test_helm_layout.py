"""`--output-layout helm-0.5`: run directories crfm-helm 0.5 reads, checked against its data classes.

The facts below are the field names and nesting of crfm-helm 0.5's `helm.benchmark.scenarios.scenario`
(Instance, Input, Reference, Output) and `helm.benchmark.adaptation.request_state` (RequestState), and what its
`scenario.json` holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import holistic
from tests.api.markdown import SRC

HELM05_INSTANCE_FIELDS = {
    "input", "references", "split", "sub_split", "id", "perturbation", "contrast_inputs", "contrast_references",
    "extra_data",
}  # fmt: skip
HELM05_INPUT_FIELDS = {"text", "multimedia_content"}
HELM05_REFERENCE_FIELDS = {"output", "tags"}
HELM05_OUTPUT_FIELDS = {"text", "multimedia_content"}
HELM05_REQUEST_STATE_FIELDS = {
    "instance", "reference_index", "request_mode", "train_trial_index", "output_mapping", "request", "result",
    "num_train_instances", "prompt_truncated", "num_conditioning_tokens", "annotations",
}  # fmt: skip
HELM05_SCENARIO_FIELDS = {"name", "description", "tags", "output_path", "definition_path"}

DESCRIPTIONS = ["mmlu:subject=anatomy", "simple1"]


def _check_instance(instance: dict) -> None:
    assert set(instance) <= HELM05_INSTANCE_FIELDS
    assert set(instance["input"]) <= HELM05_INPUT_FIELDS and isinstance(instance["input"]["text"], str)
    for reference in instance["references"] + [
        r for refs in instance.get("contrast_references", []) for r in refs
    ]:
        assert set(reference) <= HELM05_REFERENCE_FIELDS
        assert set(reference["output"]) <= HELM05_OUTPUT_FIELDS and isinstance(
            reference["output"]["text"], str
        )
    for contrast in instance.get("contrast_inputs", []):
        assert set(contrast) <= HELM05_INPUT_FIELDS and isinstance(contrast["text"], str)


def test_helm05_layout_nests_inputs_and_outputs(tmp_path: Path, shared_data: Path):
    common = dict(model="simple/model1", max_eval_instances=4, output_path=tmp_path, data_mirror=shared_data)
    new = holistic.run(DESCRIPTIONS, suite="helm05", output_layout="helm-0.5", **common)
    old = holistic.run(DESCRIPTIONS, suite="spec", **common)
    assert new.ok and old.ok
    for run_new, run_old in zip(new.runs, old.runs):
        state = json.loads(Path(run_new.directory, "scenario_state.json").read_text())
        state_old = json.loads(Path(run_old.directory, "scenario_state.json").read_text())
        for request_state, request_state_old in zip(state["request_states"], state_old["request_states"]):
            assert set(request_state) <= HELM05_REQUEST_STATE_FIELDS
            _check_instance(request_state["instance"])
            instance_old = request_state_old["instance"]
            # The same text, only nested; the rest of the request state is byte for byte the same.
            assert request_state["instance"]["input"]["text"] == instance_old["input"]
            strip = {k: v for k, v in request_state.items() if k != "instance"}
            assert strip == {k: v for k, v in request_state_old.items() if k != "instance"}
        scenario = json.loads(Path(run_new.directory, "scenario.json").read_text())
        assert set(scenario) == HELM05_SCENARIO_FIELDS
        # The stats do not depend on the layout.
        assert run_new.stat_values == run_old.stat_values
    # holistic's own helm-summarize reads the 0.5 layout, and shows the same instances as for the spec's.
    for suite in ("helm05", "spec"):
        summary = holistic.summarize(suite, output_path=tmp_path, html=False)
        assert summary.num_runs == len(DESCRIPTIONS)
    for run_new, run_old in zip(new.runs, old.runs):
        predictions = "display_predictions.json"
        assert (
            Path(run_new.directory, predictions).read_text()
            == Path(run_old.directory, predictions).read_text()
        )
        instances = json.loads(Path(run_new.directory, "instances.json").read_text())
        instances_old = json.loads(Path(run_old.directory, "instances.json").read_text())
        assert [i["input"]["text"] for i in instances] == [i["input"] for i in instances_old]


def test_contrast_sets_are_nested_too():
    from holistic.jsonio import asdict_without_nones
    from holistic.runner.helm_layout import helm05_instance

    reference = holistic.Reference("yes", [holistic.CORRECT_TAG])
    instance = holistic.Instance(
        "q", [reference], split="test", contrast_inputs=["q2"], contrast_references=[[reference]]
    )
    record = asdict_without_nones(helm05_instance(instance))
    _check_instance(record)
    assert record["contrast_inputs"] == [{"text": "q2"}]
    assert record["contrast_references"] == [[{"output": {"text": "yes"}, "tags": ["correct"]}]]


def test_output_layout_flag(tmp_path: Path):
    env = dict(os.environ, PYTHONPATH=str(SRC))
    args = ["-r", "simple1:model=simple/model1", "--suite", "s", "-m", "2", "-q"]
    done = subprocess.run(
        [sys.executable, "-m", "holistic.cli.run", *args, "--output-layout", "helm-0.5"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    state = json.loads(
        (tmp_path / "benchmarking_output/runs/s/simple1:model=simple_model1/scenario_state.json").read_text()
    )
    assert isinstance(state["request_states"][0]["instance"]["input"], dict)
    bad = subprocess.run(
        [sys.executable, "-m", "holistic.cli.run", *args, "--output-layout", "helm-0.4"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "invalid choice: 'helm-0.4'" in bad.stderr


@pytest.mark.parametrize(
    ("helm_version", "layout", "nested"),
    [("0.1", None, False), ("0.5", None, True), ("0.5", "2022", False), ("0.1", "helm-0.5", True)],
)
def test_helm_version_profile_implies_the_layout(tmp_path: Path, helm_version, layout, nested):
    result = holistic.run(
        "simple1", suite="s", model="simple/model1", max_eval_instances=2, output_path=tmp_path,
        helm_version=helm_version, output_layout=layout,
    )  # fmt: skip
    assert result.ok
    state = json.loads((result.runs[0].directory / "scenario_state.json").read_text())
    assert isinstance(state["request_states"][0]["instance"]["input"], dict) is nested
    from holistic.helm_version import current

    assert current().version == "0.1"  # the call's profile does not outlive it


HELM05_SUMMARIZE = Path(os.environ.get("HOLISTIC_HELM05_SUMMARIZE", "/tmp/helm05/bin/helm-summarize"))


@pytest.mark.slow
@pytest.mark.skipif(not HELM05_SUMMARIZE.is_file(), reason="no crfm-helm 0.5 installation to try")
def test_crfm_helm_05_summarizes_the_helm05_layout(tmp_path: Path, shared_data: Path):
    """When crfm-helm 0.5 is installed (its own venv), its helm-summarize reads our helm-0.5 suite, not 2022's."""
    common = dict(model="simple/model1", max_eval_instances=4, output_path=tmp_path, data_mirror=shared_data)
    assert holistic.run(DESCRIPTIONS, suite="helm05", output_layout="helm-0.5", **common).ok
    assert holistic.run(["simple1"], suite="spec", **common).ok
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for suite, expected in (("helm05", 0), ("spec", 1)):
        done = subprocess.run(
            [str(HELM05_SUMMARIZE), "--suite", suite, "-o", str(tmp_path)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == expected, done.stderr[-2000:]
    runs = json.loads((tmp_path / "runs" / "helm05" / "runs.json").read_text())
    assert sorted(r["run_spec"]["name"] for r in runs) == sorted(r.name for r in holistic.run(
        DESCRIPTIONS, suite="helm05", output_layout="helm-0.5", skip_completed_runs=True, **common
    ).runs)  # fmt: skip
    instances = json.loads(next((tmp_path / "runs" / "helm05").glob("mmlu*/instances.json")).read_text())
    assert len(instances) == 4 and isinstance(instances[0]["input"]["text"], str)
