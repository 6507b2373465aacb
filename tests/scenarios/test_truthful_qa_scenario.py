import csv

import pytest

from holistic.errors import DescriptionError
from holistic.run_specs import build_run_spec
from tests.helpers import assert_matches_reference, load_instances, run

CLASS = "helm.benchmark.scenarios.truthful_qa_scenario.TruthfulQAScenario"
HEADER = ["Type", "Category", "Question", "Best Answer", "Correct Answers", "Incorrect Answers", "Source"]


def write_fixture(root, num_rows=10):
    path = root / "truthful_qa" / "data" / "TruthfulQA.csv"
    path.parent.mkdir(parents=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(num_rows):
            # Best answer starts with "B" (ord 66): with 3 references the list rotates by 66 % 3 = 0.
            writer.writerow(
                [
                    "Adversarial",
                    "Misc",
                    f"  Question {i}?  ",
                    f"Best answer {i}",
                    "x",
                    f"wrong {i}a; wrong {i}b.;",
                    "src",
                ]
            )
    return root


def test_instances_splits_and_rotation(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    instances = load_instances(CLASS, {"task": "mc_single"}, tmp_path / "out", mirror)
    assert [i.split for i in instances] == ["train"] * 2 + ["valid"] * 8  # int(10 * 0.2) train rows
    assert [i.id for i in instances[:3]] == ["id0", "id1", "id2"]
    first = instances[0]
    assert first.input == "Question 0?"
    assert [r.output for r in first.references] == ["wrong 0a.", "wrong 0b.", "Best answer 0."]
    assert [r.is_correct for r in first.references] == [False, False, True]


def test_rotation_moves_the_correct_answer():
    from holistic.scenarios.truthful_qa_scenario import make_references

    references = make_references("Apples are fruit", "a;b")  # ord("A") = 65, 65 % 3 = 2
    assert [r.output for r in references] == ["Apples are fruit.", "a.", "b."]
    assert references[0].is_correct


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    run_dir = run(tmp_path, "truthful_qa:task=mc_single,model=simple/model1", mirror, max_eval_instances=1)
    from tests.helpers import request_states

    (state,) = request_states(run_dir)
    prompt = state["request"]["prompt"]
    # Two train rows are the in-context examples; the eval question comes last.
    assert prompt.startswith("Question: Question ")
    eval_id = state["instance"]["id"]
    n = int(eval_id[2:])
    assert prompt.endswith(
        f"Question: Question {n}?\nA. wrong {n}a.\nB. wrong {n}b.\nC. Best answer {n}.\nAnswer:"
    )
    assert prompt.count("Answer: C\n") == 2


def test_bad_task_is_one_line_error():
    with pytest.raises(DescriptionError, match="unknown TruthfulQA task 'mc_multi' \\(one of mc_single\\)"):
        build_run_spec("truthful_qa", {"task": "mc_multi"})


def test_run_spec_name_and_adapter():
    spec = build_run_spec("truthful_qa", {"task": "mc_single"})
    assert spec.name == "truthful_qa:task=mc_single,method=multiple_choice_joint"
    assert spec.groups == ["truthful_qa"]
    assert spec.adapter_spec.instructions == ""
    assert spec.adapter_spec.input_prefix == "Question: "


@pytest.mark.slow
def test_matches_helm_reference(tmp_path, shared_data, shared_reference):
    run_dir = run(
        tmp_path,
        "truthful_qa:task=mc_single,model=simple/model1",
        shared_data,
        max_eval_instances=10,
        helm_version="0.5",
    )
    assert_matches_reference(shared_reference / "truthful-qa-mc-single.json", run_dir)
