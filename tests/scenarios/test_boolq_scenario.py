import json
import logging

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from tests.helpers import UNREACHABLE, load_instances, request_states, run

CLASS = "helm.benchmark.scenarios.boolq_scenario.BoolQScenario"


def write_fixture(root, with_train=True):
    data = root / "boolq" / "data"
    data.mkdir(parents=True)
    rows = {
        "train": [
            {"question": "is the sky blue", "title": "Sky", "answer": True, "passage": "The sky is blue."},
            {"question": "is grass red", "title": "Grass", "answer": False, "passage": "Grass is green."},
        ],
        "dev": [
            {"question": "is water wet", "title": "Water", "answer": True, "passage": "Water is WET."},
            {"question": "do fish fly", "title": "Fish", "answer": False, "passage": "Fish swim."},
        ],
    }
    for name, items in rows.items():
        if name == "train" and not with_train:
            continue
        (data / name).write_text("".join(json.dumps(r) + "\n" for r in items))
    contrast = {
        "data": [
            {
                "title": "Title",
                "paragraph": "Paragraph",
                "question": "Question",
                "answer": "Gold Answer",
                "perturbed_questions": [],
            },
            {
                "title": "Water",
                "paragraph": "Water is WET.",
                "question": "is water wet",
                "answer": "TRUE",
                "perturbed_questions": [
                    {"perturbed_q": "is water wet in the sea", "answer": "TRUE"},  # same answer: dropped
                    {"perturbed_q": "is Water DRY", "answer": "FALSE"},
                    {"perturbed_q": "", "answer": "FALSE"},  # empty: dropped
                ],
            },
        ]
    }
    (data / "boolq_perturbed.jsonl").write_text(json.dumps(contrast))
    return root


def test_instances_and_contrast_sets(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    instances = load_instances(CLASS, {"only_contrast": False}, tmp_path / "out", mirror)
    assert [(i.id, i.split) for i in instances] == [
        ("id0", "train"),
        ("id1", "train"),
        ("id2", "valid"),
        ("id3", "valid"),
    ]
    assert instances[0].input == "The sky is blue.\nQuestion: Is the sky blue?"
    assert [r.output for i in instances for r in i.references] == ["Yes", "No", "Yes", "No"]
    water = instances[2]
    # capitalize() lowercases the rest of the question, as in HELM.
    assert water.contrast_inputs == ["Water is WET.\nQuestion: Is water dry?"]
    assert [[r.output for r in refs] for refs in water.contrast_references] == [["No"]]
    assert instances[3].contrast_inputs is None


@pytest.mark.parametrize("value", [True, "True", "true"])
def test_only_contrast_keeps_train_and_contrasted_dev(tmp_path, value):
    mirror = write_fixture(tmp_path / "mirror")
    instances = load_instances(CLASS, {"only_contrast": value}, tmp_path / "out", mirror)
    assert [i.split for i in instances] == ["train", "train", "valid"]
    assert instances[2].input.endswith("Question: Is water wet?")


def test_only_contrast_false_string_is_false(tmp_path):
    # HELM treats the string "False" as truthy; holistic parses it (docs/compatibility.md).
    spec = build_run_spec("boolq", {"only_contrast": "False"})
    assert spec.name == "boolq"
    assert spec.scenario_spec.args == {"only_contrast": False}
    assert build_run_spec("boolq", {"only_contrast": "True"}).name == "boolq:only_contrast=True"
    with pytest.raises(DescriptionError, match="only_contrast must be True or False"):
        build_run_spec("boolq", {"only_contrast": "maybe"})


def test_missing_train_falls_back_to_dev_with_a_warning(tmp_path, caplog, monkeypatch):
    import holistic.scenarios.boolq_scenario as module

    monkeypatch.setattr(module, "DATA_URL", UNREACHABLE + "/{}.jsonl")
    mirror = write_fixture(tmp_path / "mirror", with_train=False)
    with caplog.at_level(logging.WARNING):
        instances = load_instances(CLASS, {}, tmp_path / "out", mirror)
    assert [i.split for i in instances] == ["valid", "valid"]
    assert "no train split" in caplog.text and "train.jsonl" in caplog.text


def test_question_ending_in_question_mark_is_a_data_error(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    dev = mirror / "boolq" / "data" / "dev"
    dev.write_text(json.dumps({"question": "is it?", "title": "t", "answer": True, "passage": "p"}) + "\n")
    with pytest.raises(DataError, match="already ends with"):
        load_instances(CLASS, {}, tmp_path / "out", mirror)


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    states = request_states(run(tmp_path, "boolq:model=simple/model1", mirror))
    assert [s["instance"]["id"] for s in states] == ["id2", "id3"]
    examples = (
        "Passage: The sky is blue.\nQuestion: Is the sky blue?\nAnswer: Yes\n\n",
        "Passage: Grass is green.\nQuestion: Is grass red?\nAnswer: No\n\n",
    )
    tail = "Passage: Fish swim.\nQuestion: Do fish fly?\nAnswer:"
    # Both train questions are in-context examples, in the sampler's order.
    assert states[1]["request"]["prompt"] in (
        examples[0] + examples[1] + tail,
        examples[1] + examples[0] + tail,
    )
    assert states[1]["request"]["stop_sequences"] == ["\n"]


@pytest.mark.slow
def test_runs_on_shared_data(tmp_path, shared_data):
    states = request_states(run(tmp_path, "boolq:only_contrast=True,model=simple/model1", shared_data, 5))
    assert len(states) == 5
    assert all(s["instance"]["split"] == "valid" and s["instance"]["contrast_inputs"] for s in states)
    assert all(s["request"]["prompt"].endswith("?\nAnswer:") for s in states)
