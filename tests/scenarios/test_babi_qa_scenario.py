import logging

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from tests.helpers import load_instances, request_states, run

CLASS = "helm.benchmark.scenarios.babi_qa_scenario.BabiQAScenario"

STORY_A = "1 Mary went to the kitchen.\n2 John went to the garden.\n3 Where is Mary? \tkitchen\t1\n4 Mary moved to the hall.\n5 Where is Mary? \thall\t4\n"
STORY_B = "1 Sandra went to the office.\n2 Where is Sandra? \toffice\t1\n"
PATH_STORY = "1 The garden is west of the office.\n2 How do you go from the office to the garden?\tw,n\t1\n"


def write_en_valid(root):
    folder = root / "babi_qa" / "data" / "tasks_1-20_v1-2" / "en-valid"
    folder.mkdir(parents=True)
    for task in (1, 19):
        story, other = (PATH_STORY, PATH_STORY) if task == 19 else (STORY_A, STORY_B)
        (folder / f"qa{task}_train.txt").write_text(story + other)
        (folder / f"qa{task}_valid.txt").write_text(other)
        (folder / f"qa{task}_test.txt").write_text(story)
    return root


def write_en_only(root):
    folder = root / "babi_qa" / "data" / "tasks_1-20_v1-2" / "en"
    folder.mkdir(parents=True)
    stories = "".join(STORY_B.replace("Sandra", f"Person{i}") for i in range(20))
    (folder / "qa1_single-supporting-fact_train.txt").write_text(stories)
    (folder / "qa1_single-supporting-fact_test.txt").write_text(STORY_A)
    return root


def test_stories_questions_and_splits(tmp_path):
    mirror = write_en_valid(tmp_path / "mirror")
    instances = load_instances(CLASS, {"task": "1"}, tmp_path / "out", mirror)
    assert [(i.id, i.split) for i in instances] == [
        ("id0", "train"), ("id1", "train"), ("id2", "train"), ("id3", "valid"), ("id4", "test"), ("id5", "test"),
    ]  # fmt: skip
    # Questions are not part of later passages; facts keep their newlines; no separator before "Question: ".
    assert (
        instances[0].input == "Mary went to the kitchen.\nJohn went to the garden.\nQuestion: Where is Mary?"
    )
    assert instances[1].input == (
        "Mary went to the kitchen.\nJohn went to the garden.\nMary moved to the hall.\nQuestion: Where is Mary?"
    )
    assert [i.references[0].output for i in instances] == [
        "kitchen",
        "hall",
        "office",
        "office",
        "kitchen",
        "hall",
    ]


def test_path_finding_answers_are_spelled_out(tmp_path):
    mirror = write_en_valid(tmp_path / "mirror")
    instances = load_instances(CLASS, {"task": 19}, tmp_path / "out", mirror)
    assert instances[0].references[0].output == "west north"
    all_tasks = {"task": "all"}
    with pytest.raises(DataError, match="qa2_train.txt is missing"):
        load_instances(CLASS, all_tasks, tmp_path / "out2", mirror)  # tasks 2..18 are not in the fixture


def test_en_fallback_holds_out_the_last_tenth_of_train_stories(tmp_path, caplog):
    mirror = write_en_only(tmp_path / "mirror")
    with caplog.at_level(logging.WARNING):
        instances = load_instances(CLASS, {"task": 1}, tmp_path / "out", mirror)
    assert len([r for r in caplog.records if "en-valid" in r.getMessage()]) == 1
    splits = [i.split for i in instances]
    assert splits == ["train"] * 18 + ["valid"] * 2 + ["test"] * 2
    assert instances[18].input.startswith("Person18 went")


def test_bad_task():
    with pytest.raises(DescriptionError, match="unknown bAbI task '21' \\(one of all, 1, 2, ..., 20\\)"):
        build_run_spec("babi_qa", {"task": "21"})
    assert build_run_spec("babi_qa", {}).name == "babi_qa:task=all"


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_en_valid(tmp_path / "mirror")
    states = request_states(run(tmp_path, "babi_qa:task=1,model=simple/model1", mirror))
    state = next(s for s in states if s["instance"]["id"] == "id3")
    examples = [
        "Passage: Mary went to the kitchen.\nJohn went to the garden.\nQuestion: Where is Mary?\nAnswer: kitchen\n\n",
        "Passage: Mary went to the kitchen.\nJohn went to the garden.\nMary moved to the hall.\nQuestion: Where is Mary?\nAnswer: hall\n\n",
        "Passage: Sandra went to the office.\nQuestion: Where is Sandra?\nAnswer: office\n\n",
    ]
    prompt = state["request"]["prompt"]
    tail = "Passage: Sandra went to the office.\nQuestion: Where is Sandra?\nAnswer:"
    assert prompt.endswith(tail)
    head = prompt[: -len(tail)]
    assert sorted(head) == sorted("".join(examples)) and all(e in head for e in examples)


@pytest.mark.slow
def test_runs_on_shared_data(tmp_path, shared_data):
    states = request_states(run(tmp_path, "babi_qa:task=all,model=simple/model1", shared_data, 20))
    assert {s["instance"]["split"] for s in states} <= {"valid", "test"}
    # Long stories are truncated to simple/model1's window, so only the start of the prompt is certain.
    assert all(s["request"]["prompt"].startswith("Passage: ") for s in states)
