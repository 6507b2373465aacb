"""RankingMetric (§5.8) and the trec_eval measures, on hand-built results."""

from __future__ import annotations

import math

import pytest

from holistic.adaptation.request_state import RequestState
from holistic.errors import DescriptionError
from holistic.metrics.metric import MetricContext
from holistic.metrics.ranking_metrics import (
    REGULAR_TRACK_MEASURES,
    TREC_TRACK_MEASURES,
    RankingMetric,
    compute_measure,
    display_name,
    trec_order,
)
from holistic.models.request import Request, RequestResult, Sequence, Token
from holistic.run_specs.presets import get_ranking_binary_adapter_spec
from holistic.scenarios.base import CORRECT_TAG, Instance, Reference

SPEC = get_ranking_binary_adapter_spec(4)
CONTEXT = MetricContext(None)


def test_trec_eval_measures_by_definition():
    qrels = {"a": 1, "c": 1}
    run = {"a": 1.0, "b": 3.0, "c": 2.0, "d": 0.5}  # order: b, c, a, d
    assert trec_order(run) == ["b", "c", "a", "d"]
    assert compute_measure("recip_rank", qrels, run) == 0.5
    assert compute_measure("recip_rank.1", qrels, run) == 0.0  # run limited to its top passage
    assert compute_measure("success.1", qrels, run) == 0.0
    assert compute_measure("success.2", qrels, run) == 1.0
    assert compute_measure("recall.2", qrels, run) == 0.5
    assert compute_measure("recall.20", qrels, run) == 1.0
    graded = {"a": 3, "c": 1, "d": 2}
    dcg = 1 / math.log2(3) + 3 / math.log2(4) + 2 / math.log2(5)
    ideal = 3 + 2 / math.log2(3) + 1 / math.log2(4)
    assert compute_measure("ndcg_cut.5", graded, run) == pytest.approx(dcg / ideal)
    assert compute_measure("ndcg_cut.1", graded, run) == 0.0  # b is unjudged
    assert compute_measure("recall.5", {}, run) == 0.0


def test_trec_eval_breaks_score_ties_by_descending_document_id():
    assert trec_order({"q1": 1.0, "q3": 1.0, "q2": 2.0}) == ["q2", "q3", "q1"]


def test_metric_names():
    assert [display_name(m) for m in ("recip_rank.10", "ndcg_cut.5", "success.1", "recall.20")] == [
        "RR@10",
        "NDCG@5",
        "Success@1",
        "Recall@20",
    ]
    assert len(REGULAR_TRACK_MEASURES) == 15 and len(TREC_TRACK_MEASURES) == 18


def _states(judgements: list[tuple[str, float, list[str]]]) -> list[RequestState]:
    refs = [Reference(f"passage {i}", tags) for i, (_, _, tags) in enumerate(judgements)]
    instance = Instance("query", refs, split="valid", id="id0")
    states = []
    for i, (text, logprob, _) in enumerate(judgements):
        result = RequestResult(True, [], [Sequence(text, logprob, [Token(text, logprob)])], False)
        states.append(RequestState(instance, i, "original", 0, None, Request(prompt="p"), result, 2, False))
    return states


def test_model_ranking_puts_confident_yes_first_and_confident_no_last():
    metric = RankingMetric("ranking_binary", ["recip_rank.10", "success.1", "recall.2"])
    states = _states(
        [
            (" No", -0.1, ["relevance=0", "rank=1"]),  # a confident No: last
            (" Yes", -0.9, [CORRECT_TAG, "relevance=1", "rank=2"]),  # second
            ("Yes", -0.2, ["relevance=0", "rank=3"]),  # most confident Yes: first
            (" no", -2.0, ["relevance=0", "rank=4"]),  # an unsure No: before the confident one
            ("maybe", -0.5, ["relevance=0", "rank=5"]),  # neither: after the Nos
        ]
    )
    ranked = metric.rank_references(states)
    assert [r.reference_index for r in ranked] == [2, 1, 3, 0, 4]
    stats = {s.name.name: s.sum for s in metric.evaluate_references(SPEC, states, CONTEXT)}
    assert stats["RR@10"] == 0.5 and stats["Success@1"] == 0.0 and stats["Recall@2"] == 1.0
    assert [stats[f"ref{i}_rank"] for i in range(5)] == [3, 1, 0, 2, 4]


def test_top_k_restriction_and_trec_binarization():
    metric = RankingMetric(
        "ranking_binary", ["recip_rank.10", "ndcg_cut.10"], rank=2, multiple_relevance_values=True
    )
    states = _states(
        [
            ("Yes", -0.1, ["relevance=1", "rank=1"]),  # relevance 1 is "not relevant" for RR in TREC
            ("Yes", -0.2, ["relevance=3", "rank=3"]),
            ("No", -0.3, ["relevance=0", "rank=2"]),
        ]
    )
    stats = {s.name.name: s.sum for s in metric.evaluate_references(SPEC, states, CONTEXT)}
    assert stats["RR@10"] == 0.5
    ideal = 3 + 1 / math.log2(3)
    assert stats["NDCG@10"] == pytest.approx((1 + 3 / math.log2(3)) / ideal)
    # Only passages the retriever ranked within the top 2 (references 0 and 2) stay in the run.
    assert stats["RR@10 (topk=2)"] == 0.0
    assert stats["NDCG@10 (topk=2)"] == pytest.approx(1 / ideal)


def test_failed_or_missing_results_rank_last():
    metric = RankingMetric("ranking_binary", ["recip_rank.10"])
    states = _states([("No", -1.0, ["relevance=0"]), ("Yes", -1.0, [CORRECT_TAG, "relevance=1"])])
    states[1] = RequestState(
        **{**states[1].__dict__, "result": RequestResult(False, [], [], False, error="x")}
    )
    stats = {s.name.name: s.sum for s in metric.evaluate_references(SPEC, states, CONTEXT)}
    assert stats["RR@10"] == 0.5


def test_bad_arguments_are_description_errors():
    with pytest.raises(DescriptionError):
        RankingMetric("generation", ["recip_rank.10"])
    with pytest.raises(DescriptionError):
        RankingMetric("ranking_binary", ["map"])
