"""SummarizationMetric (§5.8): ROUGE against the reference summaries and extractiveness of the summary.

Extractiveness is Grusky et al. (2018)'s fragment statistics as SummEval's DataStatsMetric computes them
(spaCy's English tokenizer, lowercased tokens): coverage, density and compression.

QAFactEval and the HumanEval-* crowd ratings are HELM's published scores, looked up per model, instance and
summary (`summarization_scores.py`). SummaC needs an NLI model's weights: it is computed when they are in
`$HOLISTIC_METRIC_MODELS` (`summac.py`), and so does BERTScore (`bertscore.py`).
Whatever cannot be had is skipped with one warning that says why and writes no stat, so the report shows it
as not computed rather than as a number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from holistic.adaptation.request_state import RequestState
from holistic.errors import DataError
from holistic.metrics.bertscore import BERTSCORE_MODEL
from holistic.metrics.metric import Metric, MetricContext
from holistic.metrics.reference_metrics import rouge_1, rouge_2, rouge_l
from holistic.metrics.statistic import Stat, metric_name
from holistic.metrics.summac import MODELS_ENVIRONMENT_VARIABLE, SUMMAC_MODEL, local_model_directory
from holistic.metrics.summarization_scores import HUMAN_EVAL_ASPECTS, load_human_eval, load_qafacteval
from holistic.specs import AdapterSpec

log = logging.getLogger(__name__)

ROUGE = {"rouge_1": rouge_1, "rouge_2": rouge_2, "rouge_l": rouge_l}
BERTSCORE_STATS = ("BERTScore-P", "BERTScore-R", "BERTScore-F")

_WARNED: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    if key not in _WARNED:
        _WARNED.add(key)
        log.warning(message)


def remove_braces(text: str) -> str:
    """HELM strips one leading `{` and one trailing `}` (the scenario's old bracketed format)."""
    if text.startswith("{"):
        text = text[1:]
    if text.endswith("}"):
        text = text[:-1]
    return text


class Fragment(NamedTuple):
    summary_start: int
    text_start: int
    length: int


def extractive_fragments(summary: list[str], text: list[str]) -> list[Fragment]:
    """Greedy fragments of Grusky et al.: from each summary position, the longest run shared with the text.

    As in the reference implementation, the text scan resumes after the end of each run it found, so a
    longer run that starts inside a shorter one is not seen (this keeps the published numbers).
    """
    fragments = []
    i = 0
    while i < len(summary):
        best: Fragment | None = None
        j = 0
        while j < len(text):
            if summary[i] != text[j]:
                j += 1
                continue
            end_i, end_j = i, j
            while end_i < len(summary) and end_j < len(text) and summary[end_i] == text[end_j]:
                end_i += 1
                end_j += 1
            if best is None or end_i - i > best.length:
                best = Fragment(i, j, end_i - i)
            j = end_j
        if best is not None:
            fragments.append(best)
            i += best.length
        else:
            i += 1
    return fragments


class DataStats(NamedTuple):
    coverage: float
    density: float
    compression: float


def data_stats(summary_tokens: list[str], text_tokens: list[str]) -> DataStats:
    """Coverage (share of summary tokens in fragments), density (mean squared fragment length per summary
    token) and compression (text tokens per summary token); each 0 when the summary is empty."""
    summary = [t.lower() for t in summary_tokens]
    text = [t.lower() for t in text_tokens]
    if not summary:
        return DataStats(0.0, 0.0, 0.0)
    lengths = [f.length for f in extractive_fragments(summary, text)]
    return DataStats(
        sum(lengths) / len(summary), sum(n * n for n in lengths) / len(summary), len(text) / len(summary)
    )


_TOKENIZER: list[Callable[[str], list[str]]] = []


def spacy_tokenizer() -> Callable[[str], list[str]] | None:
    """spaCy's English tokenizer (the tokenizer of HELM's `en_core_web_sm`; no model weights needed)."""
    if not _TOKENIZER:
        try:
            import spacy
        except ImportError:
            return None
        tokenizer = spacy.blank("en").tokenizer
        _TOKENIZER.append(lambda text: [token.text for token in tokenizer(text)])
    return _TOKENIZER[0]


class SummarizationMetric(Metric):
    def __init__(self, task: str, device: str = "cpu") -> None:
        self.task = task
        self.device = device
        self.qafacteval: dict | None = None
        self.human_eval: dict | None = None
        self.summac_directory = local_model_directory(SUMMAC_MODEL)
        self.summac: Any = None
        if self.summac_directory is None:
            _warn_once(
                "summac",
                f"SummarizationMetric: summac not computed: it needs the NLI model {SUMMAC_MODEL}; set "
                f"{MODELS_ENVIRONMENT_VARIABLE}=DIR with the saved model in DIR/{SUMMAC_MODEL}",
            )
        self.bertscore_directory = local_model_directory(BERTSCORE_MODEL)
        self.bertscore: Any = None
        if self.bertscore_directory is None:
            _warn_once(
                "bertscore",
                f"SummarizationMetric: {', '.join(BERTSCORE_STATS)} not computed: they need the model "
                f"{BERTSCORE_MODEL}; set {MODELS_ENVIRONMENT_VARIABLE}=DIR with the saved model in "
                f"DIR/{BERTSCORE_MODEL}",
            )

    def _bertscore(self, references: list[str], prediction: str) -> list[float] | None:
        if self.bertscore_directory is None or not references:
            return None
        if self.bertscore is None:
            from holistic.metrics.bertscore import BERTScorer

            try:
                self.bertscore = BERTScorer(self.bertscore_directory, self.device)
            except (ImportError, OSError, ValueError) as e:
                _warn_once(
                    "bertscore-load",
                    f"SummarizationMetric: BERTScore not computed: {e.__class__.__name__}: {e}",
                )
                self.bertscore_directory = None
                return None
        return list(self.bertscore.score(prediction, references))

    def _summac_score(self, article: str, prediction: str) -> float | None:
        if self.summac_directory is None:
            return None
        if self.summac is None:
            from holistic.metrics.summac import SummaCZS

            try:
                self.summac = SummaCZS(self.summac_directory, self.device)
            except (ImportError, OSError, ValueError) as e:
                _warn_once(
                    "summac-load", f"SummarizationMetric: summac not computed: {e.__class__.__name__}: {e}"
                )
                self.summac_directory = None
                return None
        return self.summac.score(article, prediction)

    def _published_scores(self, context: MetricContext) -> tuple[dict, dict]:
        """HELM's QAFactEval scores and crowd ratings for this task, loaded once; {} where unavailable."""
        if self.qafacteval is None or self.human_eval is None:
            cache = context.eval_cache_path
            self.qafacteval, self.human_eval = {}, {}
            for what, load in (("QAFactEval", load_qafacteval), ("HumanEval-*", load_human_eval)):
                if cache is None:
                    continue
                try:
                    scores = load(cache, self.task)
                except DataError as e:
                    _warn_once(
                        what,
                        f"SummarizationMetric: {what} not computed: HELM's published scores are not "
                        f"available ({e}); place them in {cache}",
                    )
                    continue
                if what == "QAFactEval":
                    self.qafacteval = scores
                else:
                    self.human_eval = scores
        return self.qafacteval, self.human_eval

    def evaluate_generation(
        self, adapter_spec: AdapterSpec, request_state: RequestState, context: MetricContext
    ) -> list[Stat]:
        result = request_state.result
        if result is None or not result.completions:
            return []
        references = [remove_braces(r.output) for r in request_state.instance.references]
        article = remove_braces(request_state.instance.input)
        prediction = remove_braces(result.completions[0].text.strip())
        stats = []
        # HELM's published scores exist only for the summaries it evaluated, so most lookups find nothing.
        qafacteval, human_eval = self._published_scores(context)
        deployment = adapter_spec.model.replace("/", "_")
        instance_id = request_state.instance.id or ""
        ratings = [
            human_eval.get((aspect, deployment, instance_id, prediction)) for aspect in HUMAN_EVAL_ASPECTS
        ]
        if all(r is not None for r in ratings):
            stats += [Stat.of(metric_name(f"HumanEval-{a}"), r) for a, r in zip(HUMAN_EVAL_ASPECTS, ratings)]
        qafacteval_score = qafacteval.get(deployment, {}).get((instance_id, prediction))
        if qafacteval_score is not None:
            stats.append(Stat.of(metric_name("QAFactEval"), float(qafacteval_score)))
        stats += [
            Stat.of(metric_name(name), max(score(ref, prediction) for ref in references))
            for name, score in ROUGE.items()
            if references
        ]
        tokenize = spacy_tokenizer()
        if tokenize is None:
            _warn_once(
                "spacy",
                "SummarizationMetric: summarization_coverage, summarization_density and summarization_compression "
                "not computed: they tokenize with spaCy (pip install 'holistic[summarization]')",
            )
        else:
            extractive = data_stats(tokenize(prediction), tokenize(article))
            stats += [
                Stat.of(metric_name("summarization_coverage"), extractive.coverage),
                Stat.of(metric_name("summarization_density"), extractive.density),
                Stat.of(metric_name("summarization_compression"), extractive.compression),
            ]
        summac = self._summac_score(article, prediction)
        if summac is not None:
            stats.append(Stat.of(metric_name("summac"), summac))
        bertscore = self._bertscore(references, prediction)
        if bertscore is not None:
            stats += [Stat.of(metric_name(name), value) for name, value in zip(BERTSCORE_STATS, bertscore)]
        return stats
