import json
import random

import pytest

from holistic.errors import DataError
from holistic.run_specs import build_run_spec
from holistic.scenarios.newsqa_scenario import NewsQAScenario
from tests.helpers import instances_of, request_states, run_description, stat_names

TEXT = "LONDON (CNN) -- A red bus crashed into a shop on Tuesday. Nobody was hurt, police said."


def question(q, consensus, answers, bad=0.0):
    return {
        "q": q,
        "isAnswerAbsent": 0,
        "isQuestionBad": bad,
        "consensus": consensus,
        "answers": [{"sourcerAnswers": [a]} for a in answers],
    }


def span(word):
    start = TEXT.index(word)
    return {"s": start, "e": start + len(word)}


STORIES = [
    {"storyId": "./cnn/stories/a.story", "type": "train", "text": TEXT, "questions": [
        question("What crashed?", span("A red bus"), [span("A red bus"), span("red bus"), {"noAnswer": True}]),
        question("Bad one?", span("shop"), [span("shop")], bad=0.5),
    ]},
    {"storyId": "./cnn/stories/b.story", "type": "dev", "text": TEXT, "questions": [
        question("When?", span("Tuesday"), [span("Tuesday"), span("on Tuesday")]),
        question("Who was hurt?", {"noAnswer": True}, [{"noAnswer": True}, span("Nobody")]),
        question("Flagged?", {"badQuestion": True}, [{"badQuestion": True}]),
    ]},
    {"storyId": "./cnn/stories/c.story", "type": "test", "text": TEXT, "questions": [
        question("Only bad?", span("shop"), [span("shop")], bad=1.0),
    ]},
    {"storyId": "./cnn/stories/d.story", "type": "test", "text": TEXT, "questions": [
        question("Who said it?", span("police"), [span("police")]),
    ]},
]  # fmt: skip


def write_fixture(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"data": STORIES, "version": "1"}))


def test_instances_from_helm_location(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_fixture(tmp_path / "restricted" / "newsqa" / "combined-newsqa-data-v1.json")
    instances = instances_of(NewsQAScenario(), tmp_path / "out" / "scenarios" / "newsqa")
    # Story c has no valid question; dev and test stories are valid instances.
    assert [i.split for i in instances] == ["train", "valid", "valid"]
    assert instances[0].input == TEXT + "\n\nQuestion: What crashed?"
    assert [r.output for r in instances[0].references] == ["A red bus", "red bus", "No Answer"]
    rng = random.Random(0)
    rng.sample([0], 1)
    chosen = rng.sample(["When?", "Who was hurt?"], 1)[0]  # the flagged question is never asked
    assert instances[1].input.endswith(f"Question: {chosen}")
    expected = {"When?": ["Tuesday", "on Tuesday"], "Who was hurt?": ["No Answer", "Nobody"]}[chosen]
    assert [r.output for r in instances[1].references] == expected
    assert [r.output for r in instances[2].references] == ["police"]
    assert all(r.tags == ["correct"] for i in instances for r in i.references)


def test_missing_file_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match="restricted file combined-newsqa-data-v1.json: build it with https://github.com/Maluuba/newsqa "
                                       "and place it at restricted/newsqa/combined-newsqa-data-v1.json"):  # fmt: skip
        instances_of(NewsQAScenario(), tmp_path / "out" / "scenarios" / "newsqa")


def test_run_spec_and_full_prompt(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = build_run_spec("news_qa", {})
    assert spec.name == "news_qa" and spec.groups == ["news_qa"]
    assert spec.scenario_spec.class_name == "helm.benchmark.scenarios.newsqa_scenario.NewsQAScenario"
    assert (spec.adapter_spec.input_prefix, spec.adapter_spec.max_tokens) == ("Passage: ", 50)

    write_fixture(tmp_path / "mirror" / "newsqa" / "combined-newsqa-data-v1.json")
    run_dir = run_description(
        tmp_path, "news_qa:model=simple/model1", tmp_path / "out", tmp_path / "mirror", None
    )
    states = request_states(run_dir)
    assert [s["instance"]["id"] for s in states] == ["id1", "id2"]
    assert states[1]["request"]["prompt"] == (
        f"Passage: {TEXT}\n\nQuestion: What crashed?\nAnswer: A red bus\n\n"
        f"Passage: {TEXT}\n\nQuestion: Who said it?\nAnswer:"
    )
    assert "f1_score" in stat_names(run_dir)
