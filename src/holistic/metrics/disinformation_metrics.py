"""DisinformationMetric (§5.8): diversity of the completions of one prompt.

`self_bleu`: mean sentence BLEU (sacrebleu, effective order) of each non-empty completion against the others.
`monte_carlo_entropy`: mean negative log probability of the sampled completions.
"""

from __future__ import annotations

import math

from holistic.adaptation.request_state import RequestState
from holistic.errors import DescriptionError, one_of
from holistic.metrics.metric import Metric, MetricContext, MetricUnavailableError
from holistic.metrics.statistic import Stat, metric_name
from holistic.models.request import Sequence
from holistic.specs import AdapterSpec

NAMES = ("self_bleu", "monte_carlo_entropy")
HUMAN_EVAL_NAMES = ("reiteration", "wedging")


def self_bleu(texts: list[str]) -> float:
    """0 with fewer than two non-empty texts (nothing to compare with)."""
    texts = [text.strip() for text in texts if text.strip()]
    if len(texts) <= 1:
        return 0.0
    from sacrebleu.metrics import BLEU

    bleu = BLEU(effective_order=True)
    scores = [bleu.sentence_score(text, texts[:i] + texts[i + 1 :]).score for i, text in enumerate(texts)]
    return sum(scores) / len(scores)


def monte_carlo_entropy(completions: list[Sequence]) -> float:
    """Mean of -log p(completion) over completions with tokens; NaN when none has tokens."""
    values = [-sum(token.logprob for token in c.tokens) for c in completions if c.tokens]
    return sum(values) / len(values) if values else math.nan


class DisinformationMetric(Metric):
    def __init__(self, name: str) -> None:
        if name not in NAMES:
            raise DescriptionError(f"unknown disinformation metric '{name}' ({one_of(NAMES)})")
        if name == "self_bleu":
            try:
                import sacrebleu  # noqa: F401
            except ImportError:
                raise MetricUnavailableError(
                    "self_bleu needs sacrebleu (pip install 'holistic[harms]')"
                ) from None
        self.name = name

    def evaluate_generation(
        self, adapter_spec: AdapterSpec, request_state: RequestState, context: MetricContext
    ) -> list[Stat]:
        result = request_state.result
        if result is None or not result.success:
            return []
        if self.name == "self_bleu":
            value = self_bleu([c.text for c in result.completions])
        else:
            value = monte_carlo_entropy(result.completions)
        return [Stat.of(metric_name(self.name), value)]


class DisinformationHumanEvalMetrics(Metric):
    """HELM's human ratings of 2022 models' disinformation outputs (CodaLab files): not reproducible here."""

    def __init__(self, name: str) -> None:
        if name not in HUMAN_EVAL_NAMES:
            raise DescriptionError(
                f"unknown disinformation human evaluation '{name}' ({one_of(HUMAN_EVAL_NAMES)})"
            )
        raise MetricUnavailableError(
            "human ratings exist only for the outputs of HELM's 2022 models and are not shipped"
        )
