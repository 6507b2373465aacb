import json

import pytest

from holistic.errors import DescriptionError
from holistic.run_specs import build_run_spec
from tests.helpers import (
    assert_matches_reference,
    load_instances,
    request_states,
    run,
)

CLASS = "helm.benchmark.scenarios.lsat_qa_scenario.LSATScenario"


def question(text, fine_type, answer="B"):
    return {
        "id_string": text,
        "question": text,
        "options": ["opt A", "opt B", "opt C", "opt D", "opt E"],
        "answer": answer,
        "tags": ["Analytical Reasoning", "Must be true", fine_type],
    }


def write_fixture(root):
    data = root / "lsat_qa" / "data"
    data.mkdir(parents=True)
    files = {
        "Training": [
            {
                "id": "t",
                "passage": "Train passage.",
                "questions": [question("Tq1?", "simple ordering"), question("Tq2?", "")],
            }
        ],
        "Development": [
            {
                "id": "d",
                "passage": "Dev passage.",
                "questions": [question("Dq1?", "grouping (distribution)", "A")],
            }
        ],
        "Test": [
            {"id": "e", "passage": "Test passage.", "questions": [question("Eq1?", "in/out grouping", "E")]}
        ],
    }
    for name, passages in files.items():
        (data / f"AR_{name}Data.json").write_text(json.dumps(passages))
    return root


def test_splits_references_and_types(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    out = tmp_path / "out"
    instances = load_instances(CLASS, {"task": "all"}, out, mirror)
    assert [(i.id, i.split) for i in instances] == [
        ("id0", "train"),
        ("id1", "train"),
        ("id2", "valid"),
        ("id3", "test"),
    ]
    assert instances[0].input == "Train passage.\nQuestion: Tq1?"
    assert [r.output for r in instances[3].references] == ["opt A", "opt B", "opt C", "opt D", "opt E"]
    assert [r.is_correct for r in instances[3].references] == [False, False, False, False, True]
    # Coarse and fine types select questions; empty tags count as miscellaneous.
    assert [i.input[-4:] for i in load_instances(CLASS, {"task": "grouping"}, out, mirror)] == [
        "Dq1?",
        "Eq1?",
    ]
    assert [i.input[-4:] for i in load_instances(CLASS, {"task": "miscellaneous"}, out, mirror)] == ["Tq2?"]
    assert [i.input[-4:] for i in load_instances(CLASS, {"task": "ordering"}, out, mirror)] == ["Tq1?"]


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    states = request_states(run(tmp_path, "lsat_qa:task=all,model=simple/model1", mirror))
    test_state = next(s for s in states if s["instance"]["split"] == "test")
    options = "A. opt A\nB. opt B\nC. opt C\nD. opt D\nE. opt E\n"
    train = [f"Passage: Train passage.\nQuestion: {q}\n{options}Answer: B\n\n" for q in ("Tq1?", "Tq2?")]
    head = "The following are multiple choice questions (with answers).\n\n"
    tail = f"Passage: Test passage.\nQuestion: Eq1?\n{options}Answer:"
    # Both train questions are in-context examples, in the sampler's order.
    assert test_state["request"]["prompt"] in (
        head + train[0] + train[1] + tail,
        head + train[1] + train[0] + tail,
    )
    assert test_state["output_mapping"]["E"] == "opt E"


def test_bad_task_lists_valid_ones():
    with pytest.raises(DescriptionError, match="one of all, grouping, ordering, assignment, miscellaneous"):
        build_run_spec("lsat_qa", {"task": "sorting"})


@pytest.mark.slow
def test_matches_helm_reference(tmp_path, shared_data, shared_reference):
    run_dir = run(
        tmp_path,
        "lsat_qa:task=all,model=simple/model1",
        shared_data,
        max_eval_instances=10,
        helm_version="0.5",
    )
    assert_matches_reference(shared_reference / "lsat-qa-all.json", run_dir)
