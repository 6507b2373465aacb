"""SummarizationMetric (§5.8): ROUGE, fragment coverage/density/compression on hand-computed examples."""

import logging

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
    instance = Instance(article, [Reference(s, [CORRECT_TAG]) for s in summaries], split="test")
    result = RequestResult(True, [], [Sequence(completion, 0.0, [])], False)
    return RequestState(instance, None, None, 0, None, Request(), result, 0, False)


def test_metric_stats_on_one_summary(caplog):
    caplog.set_level(logging.WARNING)
    metric = SummarizationMetric(task="summarization_xsum", device="cpu")
    state = _state(
        "{The cat sat on the mat. It slept.}", " the cat sat\n", ["the cat sat on the mat", "a dog"]
    )
    stats = {s.name.name: s.mean for s in metric.evaluate_generation(None, state, MetricContext(None))}
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
