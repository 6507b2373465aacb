"""SummarizationMetric (§5.8): ROUGE, fragment coverage/density/compression on hand-computed examples."""

import csv
import logging
import pickle

import pytest

from holistic.adaptation.request_state import RequestState
from holistic.metrics.metric import MetricContext
from holistic.metrics.summarization_metrics import (
    SummarizationMetric,
    data_stats,
    extractive_fragments,
    remove_braces,
)
from holistic.models.request import Request, RequestResult, Sequence
from holistic.scenarios.base import CORRECT_TAG, Instance, Reference
from holistic.specs import AdapterSpec

pytest.importorskip("spacy")


def test_fragments_take_the_longest_run_from_each_summary_position():
    summary, text = ["a", "b", "c", "d"], ["x", "a", "b", "y", "c", "d", "a", "b", "c"]
    # From "a": runs "a b" (text 1) and "a b c" (text 6): the longer wins; then "d" alone (text 5).
    assert [tuple(f) for f in extractive_fragments(summary, text)] == [(0, 6, 3), (3, 5, 1)]
    stats = data_stats(summary, text)
    assert stats.coverage == 1.0
    assert stats.density == (3**2 + 1**2) / 4
    assert stats.compression == 9 / 4


def test_fragment_scan_resumes_after_a_run_as_the_reference_implementation():
    # "x x y" in "x x x y": the scan finds "x x" at 0, resumes at 2 and so never tries the run "x x y" at 1.
    stats = data_stats(["x", "x", "y"], ["x", "x", "x", "y"])
    assert stats.density == (2**2 + 1**2) / 3
    assert stats.coverage == 1.0


def test_novel_words_lower_coverage_and_case_is_ignored():
    stats = data_stats(["The", "Cat", "purred"], ["the", "cat", "sat"])
    assert stats.coverage == 2 / 3
    assert stats.density == 4 / 3
    assert stats.compression == 1.0
    assert data_stats([], ["a", "b"]) == (0.0, 0.0, 0.0)


def test_remove_braces():
    assert remove_braces("{A text}") == "A text"
    assert remove_braces("no {braces}x") == "no {braces}x"


def _state(article: str, completion: str, summaries: list[str]) -> RequestState:
    instance = Instance(article, [Reference(s, [CORRECT_TAG]) for s in summaries], split="test", id="id0")
    result = RequestResult(True, [], [Sequence(completion, 0.0, [])], False)
    return RequestState(instance, None, None, 0, None, Request(), result, 0, False)


def test_metric_stats_on_one_summary(caplog):
    caplog.set_level(logging.WARNING)
    metric = SummarizationMetric(task="summarization_xsum", device="cpu")
    state = _state(
        "{The cat sat on the mat. It slept.}", " the cat sat\n", ["the cat sat on the mat", "a dog"]
    )
    stats = {s.name.name: s.mean for s in metric.evaluate_generation(DAVINCI, state, MetricContext(None))}
    # ROUGE-1: precision 3/3, recall 3/6 -> F = 2/3; ROUGE-2: 2 of 2 bigrams, 2 of 5 -> F = 4/7;
    # ROUGE-L: common subsequence of 3 -> 2/3. The best reference counts ("a dog" scores 0).
    assert stats["rouge_1"] == pytest.approx(2 / 3)
    assert stats["rouge_2"] == pytest.approx(4 / 7)
    assert stats["rouge_l"] == pytest.approx(2 / 3)
    # spaCy tokens: article "The cat sat on the mat . It slept ." (10), summary "the cat sat" (3), one fragment.
    assert stats["summarization_coverage"] == 1.0
    assert stats["summarization_density"] == 3.0
    assert stats["summarization_compression"] == 10 / 3
    # Faithfulness and human-evaluation columns are not computed, so no stat is written for them.
    assert not {"summac", "QAFactEval", "BERTScore-F", "HumanEval-faithfulness"} & set(stats)


DAVINCI = AdapterSpec(model="openai/davinci")
HUMAN_EVAL_FIELDS = [
    "HITId",
    "Input.model_name",
    "Input.id",
    "Input.output_text",
    "Answer.consistency.consistent",
]
HUMAN_EVAL_FIELDS += [f"Answer.relevance.rel_{i}" for i in range(1, 6)]
HUMAN_EVAL_FIELDS += [f"Answer.coherence.cohere_{i}" for i in range(1, 6)]


def _rating(hit: str, model: str, summary: str, consistent: bool, relevance: int, coherence: int) -> dict:
    row = {"HITId": hit, "Input.model_name": model, "Input.id": "id0", "Input.output_text": summary}
    row["Answer.consistency.consistent"] = str(consistent)
    row.update({f"Answer.relevance.rel_{i}": str(i == relevance) for i in range(1, 6)})
    row.update({f"Answer.coherence.cohere_{i}": str(i == coherence) for i in range(1, 6)})
    return row


def _write_published_scores(cache):
    cache.mkdir()
    qafacteval = {"summarization_xsum": {"openai_davinci": {("id0", "the cat sat"): 0.75}}}
    (cache / "qafacteval.pk").write_bytes(pickle.dumps(qafacteval))
    for shots, rows in {
        0: [
            _rating("h1", "openai_davinci", "the cat sat", True, 4, 5),
            _rating("h1", "openai_davinci", "the cat sat", False, 2, 5),
        ],
        5: [_rating("h2", "openai_davinci", "something else", True, 1, 1)],
    }.items():
        with open(cache / f"xsum_{shots}shots.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, HUMAN_EVAL_FIELDS)
            writer.writeheader()
            writer.writerows(rows)


def test_published_qafacteval_and_crowd_ratings_are_looked_up(tmp_path):
    _write_published_scores(tmp_path / "eval_cache")
    metric = SummarizationMetric(task="summarization_xsum")
    context = MetricContext(None, tmp_path / "eval_cache")
    state = _state("The cat sat on the mat.", "the cat sat", ["the cat sat on the mat"])
    stats = {s.name.name: s.mean for s in metric.evaluate_generation(DAVINCI, state, context)}
    # Two raters: faithful yes/no -> 0.5; relevance 4 and 2 -> 3; coherence 5 and 5 -> 5.
    assert (stats["HumanEval-faithfulness"], stats["HumanEval-relevance"], stats["HumanEval-coherence"]) == (
        0.5, 3.0, 5.0,
    )  # fmt: skip
    assert stats["QAFactEval"] == 0.75
    # Another summary of the same instance was never rated or scored: nothing, not a zero.
    other = _state("The cat sat on the mat.", "a cat", ["the cat sat on the mat"])
    names = {s.name.name for s in metric.evaluate_generation(DAVINCI, other, context)}
    assert "QAFactEval" not in names and "HumanEval-coherence" not in names and "rouge_1" in names


def test_unavailable_published_scores_warn_once_and_write_nothing(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.WARNING)
    monkeypatch.setenv("HOLISTIC_OFFLINE", "1")
    monkeypatch.delenv("HOLISTIC_METRIC_MODELS", raising=False)
    monkeypatch.setattr("holistic.metrics.summarization_metrics._WARNED", set())
    metric = SummarizationMetric(task="summarization_cnndm")
    context = MetricContext(None, tmp_path / "eval_cache")
    state = _state("The cat sat.", "the cat", ["the cat sat"])
    for _ in range(2):
        names = {s.name.name for s in metric.evaluate_generation(DAVINCI, state, context)}
        assert not {"QAFactEval", "HumanEval-faithfulness", "summac", "BERTScore-F"} & names
    messages = [r.getMessage() for r in caplog.records]
    assert sum("QAFactEval not computed" in m for m in messages) == 1
    assert sum("HumanEval-* not computed" in m for m in messages) == 1
    assert sum("BERTScore-F not computed" in m for m in messages) == 1
    assert sum("summac not computed" in m and "HOLISTIC_METRIC_MODELS" in m for m in messages) == 1
