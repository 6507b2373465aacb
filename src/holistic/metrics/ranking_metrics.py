"""RankingMetric (§5.8): MS MARCO ranking measures from binary relevance judgements of the model.

Each reference of an instance is a candidate passage judged by one `ranking_binary` request. The model's
ranking sorts the passages by (answer, confidence): those answered `Yes` first, most confident first;
then those answered `No`, least confident first; then anything else. Passage i gets model relevance
n − position, and the trec_eval measures below compare that run with the qrels taken from the
`relevance=<int>` tags (passages with relevance 0 are left out of the qrels, as HELM does).

Measures (trec_eval 9 definitions, implemented here; pytrec_eval is not needed). The run is sorted by
score descending, ties by document id descending (trec_eval's order). A passage is relevant when its qrels
relevance is ≥ 1; R = number of relevant passages in the qrels.
* `recip_rank` — 1 / rank of the first relevant passage in the run, 0 if none. `recip_rank.k` (RR@k)
  is not a trec_eval cutoff: as HELM, the run is first limited to its k highest-scored passages.
* `success.k` (Success@k) — 1 if a relevant passage is among the first k, else 0.
* `recall.k` (Recall@k) — relevant passages among the first k, divided by R (0 when R = 0).
* `ndcg_cut.k` (NDCG@k) — DCG@k / ideal DCG@k with gain = the qrels relevance (linear, not 2^rel − 1)
  and discount log2(rank + 1); the ideal ranking sorts all qrels relevances; 0 when the ideal is 0.
With `multiple_relevance_values` (TREC track, relevances 0–3), the binary measures (recip_rank, success,
recall) first map relevance 1 to 0, so only relevances ≥ 2 count as relevant there; NDCG uses them all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from holistic.adaptation.request_state import RequestState
from holistic.errors import DescriptionError, one_of
from holistic.metrics.metric import Metric, MetricContext
from holistic.metrics.statistic import MetricName, Stat
from holistic.specs import AdapterSpec
from holistic.specs.adapter_spec import ADAPT_RANKING_BINARY

RECIP_RANK = "recip_rank"
SUCCESS = "success"
RECALL = "recall"
NDCG_CUT = "ndcg_cut"
SUPPORTED_MEASURES = (RECIP_RANK, SUCCESS, RECALL, NDCG_CUT)
BINARY_MEASURES = (RECIP_RANK, SUCCESS, RECALL)
DISPLAY_NAMES = {NDCG_CUT: "NDCG", RECIP_RANK: "RR", SUCCESS: "Success", RECALL: "Recall"}

# The measures of HELM's MS MARCO run specs.
REGULAR_TRACK_MEASURES = [
    *(f"{SUCCESS}.{k}" for k in (1, 2, 3, 5, 10, 20)),
    *(f"{RECALL}.{k}" for k in (1, 2, 3, 5, 10, 20)),
    *(f"{RECIP_RANK}.{k}" for k in (5, 10, 20)),
]
TREC_TRACK_MEASURES = [*REGULAR_TRACK_MEASURES, *(f"{NDCG_CUT}.{k}" for k in (5, 10, 20))]

MISSING_OUTPUT = "missing"


def parse_measure(measure: str) -> tuple[str, int | None]:
    name, _, k = measure.partition(".")
    return name, int(k) if k else None


def display_name(measure: str) -> str:
    name, k = parse_measure(measure)
    return DISPLAY_NAMES[name] + (f"@{k}" if k else "")


def trec_order(run: dict[str, float]) -> list[str]:
    """Document ids by score descending, ties by id descending (trec_eval)."""
    by_id = sorted(run, reverse=True)
    return sorted(by_id, key=lambda doc: -run[doc])


def compute_measure(measure: str, qrels: dict[str, int], run: dict[str, float]) -> float:
    """One trec_eval measure for one query (definitions in the module docstring)."""
    name, k = parse_measure(measure)
    ranked = trec_order(run)
    if name == RECIP_RANK:
        if k is not None:
            ranked = ranked[:k]
        for position, doc in enumerate(ranked, start=1):
            if qrels.get(doc, 0) >= 1:
                return 1.0 / position
        return 0.0
    cutoff = ranked[:k] if k is not None else ranked
    num_relevant = sum(1 for rel in qrels.values() if rel >= 1)
    if name == SUCCESS:
        return 1.0 if any(qrels.get(doc, 0) >= 1 for doc in cutoff) else 0.0
    if name == RECALL:
        if num_relevant == 0:
            return 0.0
        return sum(1 for doc in cutoff if qrels.get(doc, 0) >= 1) / num_relevant
    if name == NDCG_CUT:
        depth = k if k is not None else len(ranked)
        dcg = sum(max(qrels.get(doc, 0), 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:depth]))
        ideal_gains = sorted((rel for rel in qrels.values() if rel > 0), reverse=True)[:depth]
        ideal = sum(gain / math.log2(i + 2) for i, gain in enumerate(ideal_gains))
        return dcg / ideal if ideal > 0 else 0.0
    raise ValueError(f"unsupported measure {measure}")


@dataclass
class RankedReference:
    reference_index: int
    relevance: int | None
    """From the `relevance=<int>` tag."""
    rank: int | None
    """From the `rank=<int>` tag (the candidate's position in the retriever's top-k list)."""
    model_output: str
    model_logprob: float
    model_relevance: int = 0


def _tag_value(tags: list[str], key: str) -> int | None:
    for tag in tags:
        name, _, value = tag.partition("=")
        if name == key and value:
            return int(value)
    return None


class RankingMetric(Metric):
    def __init__(
        self,
        method: str,
        measure_names: list[str],
        correct_output: str = "Yes",
        wrong_output: str = "No",
        rank: int | None = None,
        multiple_relevance_values: bool = False,
    ) -> None:
        if method != ADAPT_RANKING_BINARY:
            raise DescriptionError(f"RankingMetric supports method {ADAPT_RANKING_BINARY}, not '{method}'")
        for measure in measure_names:
            name, _ = parse_measure(measure)
            if name not in SUPPORTED_MEASURES:
                raise DescriptionError(
                    f"unsupported ranking measure '{measure}' ({one_of(SUPPORTED_MEASURES)})"
                )
        if rank is not None and int(rank) < 0:
            raise DescriptionError(f"rank must be a non-negative integer, not {rank}")
        self.method = method
        self.measure_names = measure_names
        self.correct_output = correct_output
        self.wrong_output = wrong_output
        self.rank = int(rank) if rank else None
        self.multiple_relevance_values = multiple_relevance_values

    def _sort_key(self, ref: RankedReference) -> tuple[int, float]:
        answer = ref.model_output.strip().lower()
        if answer == self.correct_output.strip().lower():
            return 2, ref.model_logprob
        if answer == self.wrong_output.strip().lower():
            return 1, -ref.model_logprob
        return 0, -ref.model_logprob

    def rank_references(self, states: list[RequestState]) -> list[RankedReference]:
        """The references in the model's order, with model_relevance = n − position."""
        refs = []
        for state in states:
            assert state.reference_index is not None
            reference = state.instance.references[state.reference_index]
            output, logprob = MISSING_OUTPUT, 0.0
            if state.result is not None and state.result.success and state.result.completions:
                completion = state.result.completions[0]
                output, logprob = completion.text, completion.logprob
            refs.append(
                RankedReference(
                    state.reference_index,
                    _tag_value(reference.tags, "relevance"),
                    _tag_value(reference.tags, "rank"),
                    output,
                    logprob,
                )
            )
        ranked = sorted(refs, key=self._sort_key, reverse=True)  # stable: equal keys keep reference order
        for position, ref in enumerate(ranked):
            ref.model_relevance = len(ranked) - position
        return ranked

    def measures(self, qrels: dict[str, int], run: dict[str, float], suffix: str = "") -> list[Stat]:
        stats = []
        for measure in self.measure_names:
            name, _ = parse_measure(measure)
            judged = qrels
            if self.multiple_relevance_values and name in BINARY_MEASURES:
                judged = {doc: 0 if rel == 1 else rel for doc, rel in qrels.items()}
            value = compute_measure(measure, judged, run)
            stats.append(Stat(MetricName(display_name(measure) + suffix)).add(value))
        return stats

    def evaluate_references(
        self, adapter_spec: AdapterSpec, reference_request_states: list[RequestState], context: MetricContext
    ) -> list[Stat]:
        ranked = self.rank_references(reference_request_states)
        qrels = {str(r.reference_index): r.relevance for r in ranked if r.relevance}
        run = {str(r.reference_index): float(r.model_relevance) for r in ranked}
        stats = self.measures(qrels, run)
        if self.rank:
            limited = {
                str(r.reference_index): float(r.model_relevance)
                for r in ranked
                if r.rank is not None and r.rank <= self.rank
            }
            stats += self.measures(qrels, limited, suffix=f" (topk={self.rank})")
        n = len(ranked)
        for ref in sorted(ranked, key=lambda r: r.reference_index):
            stats.append(Stat(MetricName(f"ref{ref.reference_index}_rank")).add(n - ref.model_relevance))
        return stats
