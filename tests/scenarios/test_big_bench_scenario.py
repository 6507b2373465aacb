"""big_bench on real BIG-bench task files: splits, references, the whole first prompt, errors."""

import json
import random

import numpy as np
import pytest

from holistic.errors import DescriptionError
from tests.helpers import load_instances, request_states, run, stat_means

CLASS = "helm.benchmark.scenarios.big_bench_scenario.BIGBenchScenario"


def task(shared_data, *parts):
    return json.loads(shared_data.joinpath("big_bench", *parts, "task.json").read_text())


def shuffled_examples(shared_data, *parts):
    examples = task(shared_data, *parts)["examples"]
    random.seed(0)
    random.shuffle(examples)
    return examples


def test_splits_and_target_references(shared_data, tmp_path):
    # 34 examples: test = max(int(0.2 * 34), 16) = 16, valid 16, train the first 2 after the shuffle.
    instances = load_instances(
        CLASS, {"task": "auto_debugging", "subtask": ""}, tmp_path / "out", shared_data
    )
    assert [i.split for i in instances] == ["train"] * 2 + ["test"] * 16 + ["valid"] * 16
    examples = shuffled_examples(shared_data, "auto_debugging")
    assert [i.input for i in instances] == [e["input"] for e in examples]
    for instance, example in zip(instances, examples):
        targets = example["target"] if isinstance(example["target"], list) else [example["target"]]
        assert [(r.output, r.tags) for r in instance.references] == [(t, ["correct"]) for t in targets]


def test_target_scores_mark_the_best_targets_correct(shared_data, tmp_path):
    args = {"task": "logical_deduction", "subtask": "three_objects"}
    instances = load_instances(CLASS, args, tmp_path / "out", shared_data)
    assert len(instances) == 300
    assert [i.split for i in instances].count("test") == 60  # 20% of 300
    example = shuffled_examples(shared_data, "logical_deduction", "three_objects")[0]
    assert [(r.output, r.is_correct) for r in instances[0].references] == [
        (target, score == 1) for target, score in example["target_scores"].items()
    ]


def test_multiple_choice_prompt_is_helms(shared_data, tmp_path):
    definition = task(shared_data, "logical_deduction", "three_objects")
    examples = shuffled_examples(shared_data, "logical_deduction", "three_objects")
    eval_examples = examples[180:]  # test (60) then valid (60), in list order
    example = eval_examples[int(np.random.RandomState(0).permutation(len(eval_examples))[0])]
    choices = "".join(f"{letter}. {target}\n" for letter, target in zip("ABC", example["target_scores"]))
    # task_prefix as instructions, "\n" between blocks, input prefix "", output prefix " " stripped.
    expected = definition["task_prefix"] + "\n" + example["input"] + "\n" + choices
    description = "big_bench:task=logical_deduction,subtask=three_objects,model=simple/model1"
    run_dir = run(tmp_path, description, shared_data, max_eval_instances=1)
    (state,) = request_states(run_dir)
    assert state["request"]["prompt"] == expected
    assert state["output_mapping"] == {"A": list(example["target_scores"])[0], "B": list(example["target_scores"])[1],
                                       "C": list(example["target_scores"])[2]}  # fmt: skip
    # simple/model1 answers with the prompt's last word, which is no letter: exact_match 0.
    assert stat_means(run_dir)["exact_match|test|"] == 0


@pytest.mark.parametrize("args", [{"task": "../etc", "subtask": ""}, {"task": "", "subtask": ""}])
def test_bad_task_names(args, tmp_path):
    with pytest.raises(DescriptionError, match="bad BIG-bench task"):
        load_instances(CLASS, args, tmp_path / "out")


def test_missing_task_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    from holistic.cli.run import main as helm_run

    monkeypatch.setenv("HOLISTIC_OFFLINE", "1")
    argv = ["--run-specs", "big_bench:task=no_such_task,subtask=,model=simple/model1", "--suite", "s"]
    argv += ["-o", str(tmp_path / "out"), "--local-path", str(tmp_path / "env")]
    assert helm_run(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("error: ") and "no_such_task/task.json is missing" in err[0]
