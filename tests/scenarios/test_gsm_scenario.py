"""gsm on the real GSM8K files with simple/model1: instances, the whole first prompt, and the main metric."""

import json
import random

import numpy as np
import pytest

from holistic.metrics.reference_metrics import exact_match_indicator
from tests.helpers import load_instances, request_states, run, stat_means

CLASS = "helm.benchmark.scenarios.gsm_scenario.GSM8KScenario"
WINDOW = 2048  # simple/model1: one token per character


def rows(shared_data, split):
    return [json.loads(line) for line in (shared_data / "gsm" / f"gsm_data_{split}").read_text().splitlines()]


def test_instances_from_the_real_files(shared_data, tmp_path):
    instances = load_instances(CLASS, {}, tmp_path / "out", shared_data)
    assert [i.split for i in instances].count("train") == 7473
    assert [i.split for i in instances].count("test") == 1319
    first = instances[0]
    assert first.input.startswith("Natalia sold clips to 48 of her friends in April")
    # "####" becomes "The answer is", newlines become spaces, and a final period is added.
    assert first.references[0].output == (
        "Natalia sold 48/2 = <<48/2=24>>24 clips in May. "
        "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May. The answer is 72."
    )
    assert first.references[0].tags == ["correct"]


def test_first_prompt_is_helms(shared_data, tmp_path):
    """The prompt a HELM user would assemble by hand: the 5 in-context examples of seed 0 (v0.2+ rule:
    labels sorted, shuffled with random.seed(0), one pick per label), dropped from the end until the prompt
    plus 400 output tokens fits the 2048-character window, then the eval block ending in "A:"."""
    train, test = rows(shared_data, "train"), rows(shared_data, "test")

    def answer(row):
        return row["answer"].replace("####", "The answer is").replace("\n", " ") + "."

    by_answer = {answer(r): r for r in train}
    labels = sorted(by_answer)
    random.seed(0)
    random.shuffle(labels)
    examples = [by_answer[label] for label in labels[:5]]
    eval_row = test[int(np.random.RandomState(0).permutation(len(test))[0])]
    eval_block = f"Q: {eval_row['question']}\nA:"
    while True:
        blocks = [f"Q: {r['question']}\nA: {answer(r)}\n" for r in examples] + [eval_block]
        expected = "\n".join(blocks)
        if len(expected) + 400 <= WINDOW or not examples:
            break
        examples.pop()

    run_dir = run(tmp_path, "gsm:model=simple/model1", shared_data, max_eval_instances=1, helm_version="0.5")
    (state,) = request_states(run_dir)
    assert state["request"]["prompt"] == expected
    assert state["num_train_instances"] == len(examples)
    assert state["request"]["stop_sequences"] == ["\n\n"]
    assert state["request"]["max_tokens"] == 400
    # simple/model1 answers with the prompt's last word, "A:": the final-number match is 0.
    assert [c["text"] for c in state["result"]["completions"]] == ["A:"]
    assert stat_means(run_dir)["exact_match_indicator|test|"] == 0


@pytest.mark.parametrize(
    "completion,expected",
    [
        ("She sold 24 + 48 = 72 clips. The answer is 72.", 1),  # same final token "72."
        ("The answer is 72", 0),  # HELM compares the last space-separated piece, period included
        ("The answer is 73.", 0),
        ("72.", 1),
        ("", 0),
    ],
)
def test_exact_match_indicator_on_known_completions(completion, expected):
    gold = "Natalia sold 48/2 = <<48/2=24>>24 clips in May. The answer is 72."
    assert exact_match_indicator(gold, completion) == expected


@pytest.mark.parametrize(
    "completion,expected", [(" She sold 72 in all. The answer is 72.", 1.0), ("The answer is 71.", 0.0)]
)
def test_main_metric_on_known_completions(shared_data, tmp_path, completion, expected):
    from holistic.adaptation.request_state import RequestState
    from holistic.metrics.basic_metrics import BasicMetric
    from holistic.models.request import Request, RequestResult, Sequence
    from holistic.run_specs import build_run_spec

    spec = build_run_spec("gsm", {})
    instance = load_instances(CLASS, {}, tmp_path / "out", shared_data)[0]  # Natalia's clips: 72
    result = RequestResult(True, [], [Sequence(completion, 0.0, [])], False)
    state = RequestState(instance, None, None, 0, None, Request(), result, 0, False)
    (metric,) = [m for m in spec.metric_specs if m.class_name.endswith("BasicMetric")]
    stats = BasicMetric(**metric.args).reference_stats(spec.adapter_spec, state)
    assert {s.name.name: s.mean for s in stats}["exact_match_indicator"] == expected
