import json

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from tests.helpers import load_instances, request_states, run

CLASS = "helm.benchmark.scenarios.pubmed_qa_scenario.PubMedQAScenario"


def write_fixture(root, decision="maybe"):
    data = root / "pubmed_qa" / "data"
    data.mkdir(parents=True)
    items = {
        "111": {
            "QUESTION": "Does coffee help?",
            "CONTEXTS": ["We studied coffee.", "It helped."],
            "LABELS": ["BACKGROUND", "RESULTS"],
            "MESHES": [],
            "YEAR": "2001",
            "reasoning_required_pred": "yes",
            "reasoning_free_pred": "yes",
            "final_decision": "yes",
        },
        "222": {
            "QUESTION": "Is tea bad?",
            "CONTEXTS": ["Unclear."],
            "LABELS": ["CONCLUSIONS"],
            "final_decision": decision,
        },
    }
    (data / "test_set.json").write_text(json.dumps(items))
    return root


def test_instances(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    instances = load_instances(CLASS, {}, tmp_path / "out", mirror)
    assert [(i.id, i.split) for i in instances] == [("id0", "test"), ("id1", "test")]
    assert (
        instances[0].input
        == "Context: Background. We studied coffee.\nResults. It helped.\n\nQuestion: Does coffee help?\n"
    )
    assert [(r.output, r.is_correct) for r in instances[1].references] == [
        ("yes", False),
        ("no", False),
        ("maybe", True),
    ]


def test_bad_decision_is_a_data_error(tmp_path):
    mirror = write_fixture(tmp_path / "mirror", decision="perhaps")
    with pytest.raises(DataError, match="yes, no or maybe"):
        load_instances(CLASS, {}, tmp_path / "out", mirror)


@pytest.mark.parametrize("value,suffix", [("True", "among A through C, the answer is "), ("false", "")])
def test_run_spec_output_prefix(value, suffix):
    spec = build_run_spec("pubmed_qa", {"prompt_answer_choices": value})
    assert spec.name == f"pubmed_qa:prompt_answer_choices={value}"
    assert spec.adapter_spec.output_prefix == "Answer: " + suffix
    assert spec.adapter_spec.max_train_instances == 0
    with pytest.raises(DescriptionError, match="missing argument 'prompt_answer_choices'"):
        build_run_spec("pubmed_qa", {})


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    states = request_states(run(tmp_path, "pubmed_qa:prompt_answer_choices=True,model=simple/model1", mirror))
    state = next(s for s in states if s["instance"]["id"] == "id1")
    assert state["request"]["prompt"] == (
        "Context: Conclusions. Unclear.\n\nQuestion: Is tea bad?\n\nA) yes\nB) no\nC) maybe\n"
        "Answer: among A through C, the answer is"
    )
    assert state["output_mapping"] == {"A": "yes", "B": "no", "C": "maybe"}


@pytest.mark.slow
def test_runs_on_shared_data(tmp_path, shared_data):
    run_dir = run(tmp_path, "pubmed_qa:prompt_answer_choices=False,model=simple/model1", shared_data, 5)
    states = request_states(run_dir)
    assert len(states) == 5
    assert all(s["request"]["prompt"].startswith("Context: ") for s in states)
    # Abstracts longer than simple/model1's window are truncated at the end.
    assert all(s["prompt_truncated"] or s["request"]["prompt"].endswith("C) maybe\nAnswer:") for s in states)
