import csv
import random

import pytest

from holistic.run_specs import build_run_spec
from holistic.scenarios.narrativeqa_scenario import NarrativeQAScenario
from tests.helpers import instances_of, request_states, run_description, stat_names

SUMMARIES = [
    ("d1", "train", "  Mark starts a pirate radio station.\nHe is a loner.  "),
    ("d2", "train", 'A "quiet" town.'),
    ("d3", "valid", "Three friends travel."),
    ("d4", "test", "A ship sinks."),
    ("d5", "test", "A dragon sleeps."),
]
QUESTIONS = [  # document, split, question, answer1, answer2
    ("d1", "train", "Who is Mark?", "A loner", "A student"),
    ("d2", "train", " Where is it ", "A town", "In a town"),
    ("d1", "train", "What does Mark start", "A radio station", "Radio"),
    ("d3", "valid", "How many friends?", "Three", "3"),
    ("d4", "test", "What sinks?", "A ship", "The ship"),
    ("d5", "test", "What sleeps?", "A dragon", "The dragon"),
    ("d4", "test", "Does it sink?", "Yes", "yes"),
    ("d4", "test", "When?", "At night", "Night"),
]


def write_fixture(root):
    repo = root / "data" / "narrativeqa-master"
    (repo / "third_party" / "wikipedia").mkdir(parents=True)
    with open(repo / "third_party" / "wikipedia" / "summaries.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["document_id", "set", "summary", "summary_tokenized"])
        writer.writerows([d, s, text, text.lower()] for d, s, text in SUMMARIES)
    with open(repo / "qaps.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["document_id", "set", "question", "answer1", "answer2", "question_tokenized"])
        writer.writerows([*row, row[2].lower()] for row in QUESTIONS)


def expected_questions():
    """One question per document, in first-appearance order per split, drawn from one Random(0) stream."""
    rng = random.Random(0)
    chosen = []
    for split in ("train", "valid", "test"):
        by_document = {}
        for row in QUESTIONS:
            if row[1] == split:
                by_document.setdefault(row[0], []).append(row)
        chosen += [rng.choice(rows) for rows in by_document.values()]
    return chosen


def test_instances(tmp_path):
    write_fixture(tmp_path / "narrativeqa")
    instances = instances_of(NarrativeQAScenario(), tmp_path / "narrativeqa")
    chosen = expected_questions()
    assert [i.split for i in instances] == ["train", "train", "valid", "test", "test"]
    summaries = {d: text.strip() for d, _, text in SUMMARIES}
    for instance, (document, _, question, answer1, answer2) in zip(instances, chosen):
        question = question.strip()
        question += "" if question.endswith("?") else "?"
        assert instance.input == f"{summaries[document]}\nQuestion: {question}"
        assert [(r.output, r.tags) for r in instance.references] == [
            (answer1, ["correct"]),
            (answer2, ["correct"]),
        ]
    assert instances[1].input == 'A "quiet" town.\nQuestion: Where is it?'


@pytest.mark.parametrize("dry_run", [True, False])
def test_run_spec_and_full_prompt(tmp_path, dry_run):
    spec = build_run_spec("narrative_qa", {})
    assert spec.name == "narrative_qa" and spec.groups == ["narrative_qa"]
    assert spec.metric_specs[0].args["names"] == [
        "exact_match",
        "quasi_exact_match",
        "f1_score",
        "rouge_l",
        "bleu_1",
        "bleu_4",
    ]
    assert spec.adapter_spec.max_tokens == 100

    mirror = tmp_path / "mirror"
    write_fixture(mirror / "narrativeqa")
    run_dir = run_description(
        tmp_path, "narrative_qa:model=simple/model1", tmp_path / "out", mirror, None, dry_run
    )
    states = request_states(run_dir)
    assert [s["instance"]["split"] for s in states] == ["valid", "test", "test"]
    chosen = expected_questions()
    train = [f"Passage: {d[2].strip()}\nQuestion: {q[2].strip().rstrip('?')}?\nAnswer: {q[3]}\n" for d, q in
             zip(SUMMARIES[:2], chosen[:2])]  # fmt: skip
    prompt = states[0]["request"]["prompt"]
    assert prompt.endswith("\nPassage: Three friends travel.\nQuestion: How many friends?\nAnswer:")
    assert sorted(prompt.split("\n\n")[:2]) == sorted(b.rstrip("\n") for b in train)
    if not dry_run:
        assert "f1_score" in stat_names(run_dir)
