"""DisinformationMetric (§5.8): self-BLEU and Monte Carlo entropy on hand-computed values."""

import math

import pytest

from holistic.metrics.disinformation_metrics import DisinformationMetric, monte_carlo_entropy, self_bleu
from holistic.metrics.metric import MetricContext, create_metric
from holistic.models.request import Sequence, Token
from holistic.specs import AdapterSpec, MetricSpec
from tests.helpers import generation_state


def test_self_bleu_hand_computed():
    # Identical completions: every BLEU is 100.
    assert self_bleu(["a b c d", "a b c d"]) == pytest.approx(100)
    # "a b" against "a c": unigram precision 1/2; no bigram matches, so the exp smoothing gives 1/(2*1);
    # effective order 2, equal lengths: BLEU = 100 * sqrt(1/2 * 1/2) = 50, and the same the other way round.
    assert self_bleu(["a b", "a c"]) == pytest.approx(50)
    # No shared word at all: 0. Empty and single completions have nothing to compare with: 0.
    assert self_bleu(["a b", "c d"]) == 0
    assert self_bleu(["a b", "  ", ""]) == 0


def test_monte_carlo_entropy_hand_computed():
    completions = [
        Sequence("x y", -3.0, [Token("x", -1.0), Token("y", -2.0)]),
        Sequence("z", -0.5, [Token("z", -0.5)]),
        Sequence("", 0.0, []),  # no tokens: left out
    ]
    assert monte_carlo_entropy(completions) == pytest.approx((3.0 + 0.5) / 2)
    assert math.isnan(monte_carlo_entropy([Sequence("", 0.0, [])]))


def test_metrics_over_a_request_state():
    state = generation_state(["a b", "a c", " "])
    (bleu,) = DisinformationMetric("self_bleu").evaluate_generation(AdapterSpec(), state, MetricContext(None))
    assert (bleu.name.name, bleu.mean) == ("self_bleu", pytest.approx(50))
    (entropy,) = DisinformationMetric("monte_carlo_entropy").evaluate_generation(
        AdapterSpec(), state, MetricContext(None)
    )
    assert entropy.name.name == "monte_carlo_entropy" and math.isnan(entropy.mean)


def test_human_ratings_are_skipped_with_a_reason(caplog):
    spec = MetricSpec(
        "helm.benchmark.disinformation_metrics.DisinformationHumanEvalMetrics", {"name": "wedging"}
    )
    assert create_metric(spec) is None
    assert "human ratings" in caplog.text
