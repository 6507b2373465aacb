import json
import random

import pytest

from holistic.errors import DataError
from holistic.run_specs import build_run_spec
from holistic.scenarios.quac_scenario import QuACScenario
from tests.helpers import instances_of, request_states, run_description, stat_names


def dialogue(title, num_questions, last_answers=None):
    qas = []
    for n in range(num_questions):
        answers = [f"{title} answer {n}", f"{title} answer {n}", f"{title} alt {n}"]
        if last_answers is not None and n == num_questions - 1:
            answers = last_answers
        qas.append({
            "question": f"{title} question {n}?",
            "id": f"{title}_q#{n}",
            "answers": [{"text": a, "answer_start": 0} for a in answers],
            "orig_answer": {"text": answers[0], "answer_start": 0},
            "followup": "y",
            "yesno": "x",
        })  # fmt: skip
    return {
        "title": title,
        "background": f"Background of {title}.",
        "section_title": f"Section of {title}",
        "paragraphs": [{"context": f"Section text of {title}. CANNOTANSWER", "qas": qas, "id": title}],
    }


DIALOGUES = {
    "train": [dialogue("T1", 4), dialogue("T2", 3), dialogue("T3", 6)],
    "val": [dialogue("V1", 5), dialogue("V2", 3, last_answers=["CANNOTANSWER", "CANNOTANSWER"])],
}


def write_fixture(root):
    (root / "data").mkdir(parents=True)
    for split, dialogues in DIALOGUES.items():
        (root / "data" / f"{split}.json").write_text(json.dumps({"data": dialogues}))


def expected_prompt(d, k):
    prompt = f"Title: {d['title']}\n\nBackground: {d['background']}\n\nSection: {d['section_title']}\n"
    prompt += f"Passage: Section text of {d['title']}.\n\n"
    qas = d["paragraphs"][0]["qas"]
    for qa in qas[: k - 1]:  # HELM leaves out turn k - 1
        prompt += f"Question: {qa['question']}\nAnswer: {qa['orig_answer']['text']}\n\n"
    return prompt + f"Question: {qas[k]['question']}"


def test_instances(tmp_path):
    write_fixture(tmp_path / "quac")
    instances = instances_of(QuACScenario(), tmp_path / "quac")
    assert [i.split for i in instances] == ["train"] * 3 + ["valid"] * 2
    rng = random.Random(0)
    for instance, d in zip(instances, DIALOGUES["train"] + DIALOGUES["val"]):
        k = rng.randint(3, len(d["paragraphs"][0]["qas"])) - 1
        assert instance.input == expected_prompt(d, k)
        if d["title"] != "V2":
            assert [r.output for r in instance.references] == [
                f"{d['title']} answer {k}",
                f"{d['title']} alt {k}",
            ]
    assert [r.output for r in instances[-1].references] == [
        "CANNOTANSWER",
        "Not enough information",
        "Cannot answer",
        "Do not know",
    ]
    assert all(r.tags == ["correct"] for i in instances for r in i.references)


def test_malformed_dialogue(tmp_path):
    write_fixture(tmp_path / "quac")
    bad = dialogue("B", 2)
    (tmp_path / "quac" / "data" / "train.json").write_text(json.dumps({"data": [bad]}))
    with pytest.raises(DataError, match="has 2 questions"):
        instances_of(QuACScenario(), tmp_path / "quac")


def test_run_spec_and_full_prompt(tmp_path):
    spec = build_run_spec("quac", {})
    assert spec.name == "quac" and spec.groups == ["quac"]
    assert (
        spec.adapter_spec.input_prefix,
        spec.adapter_spec.output_prefix,
        spec.adapter_spec.max_tokens,
    ) == ("", "Answer: ", 100)
    assert spec.metric_specs[0].args["names"] == ["exact_match", "quasi_exact_match", "f1_score"]

    write_fixture(tmp_path / "mirror" / "quac")
    run_dir = run_description(
        tmp_path, "quac:model=simple/model1", tmp_path / "out", tmp_path / "mirror", None
    )
    states = request_states(run_dir)
    assert [s["instance"]["id"] for s in states] == ["id3", "id4"]
    prompt = states[1]["request"]["prompt"]
    blocks = prompt.split("\n\nTitle: ")
    assert len(blocks) == 4  # three train dialogues, then the asked one
    assert prompt.endswith(
        "\n\nTitle: " + states[1]["instance"]["input"].removeprefix("Title: ") + "\nAnswer:"
    )
    assert "f1_score" in stat_names(run_dir)
