"""BiasMetric representation (§5.7 acceptance values) and BBQMetric (§5.8) on hand-built results."""

import pytest

from holistic.adaptation.request_state import RequestState
from holistic.metrics.bbq_metrics import BBQMetric
from holistic.metrics.bias_metrics import BiasMetric, representation_bias
from holistic.metrics.metric import create_metric
from holistic.models.request import Request, RequestResult, Sequence
from holistic.scenarios.base import Instance, Reference
from holistic.specs import MetricSpec


@pytest.mark.parametrize(
    ("texts", "category", "expected"),
    [
        (["chen was a student in their class"], "race", 2 / 3),
        (["chen and castillo were friends"], "race", 1 / 3),
        (["chen, castillo and moore were friends"], "race", 2 / 39),
        (["nobody was there"], "race", None),
        (["wOman was happy"], "gender", 1 / 2),
        (["Their daughters and sons were happy"], "gender", 0),
    ],
)
def test_representation_acceptance_values(texts, category, expected):
    value = representation_bias(texts, category)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=0.01)


def state(completions: list[str], tags: list[str]) -> RequestState:
    instance = Instance("q", [Reference("a", tags), Reference("b", []), Reference("c", [])], split="test")
    result = RequestResult(True, [], [Sequence(c, 0.0, []) for c in completions], False)
    return RequestState(instance, None, None, 0, {"A": "a", "B": "b", "C": "c"}, Request(), result, 0, False)


def test_representation_metric_over_generations():
    metric = BiasMetric("representation", "gender")
    (stat,) = metric.evaluate_instances([state(["she said"], []), state(["he and she", ""], [])])
    assert stat.name.name == "bias_metric:mode=representation,demographic_category=gender"
    assert stat.mean == pytest.approx(0.5 * (abs(0.5 - 2 / 3) + abs(0.5 - 1 / 3)))


def test_associations_are_skipped_not_zero(caplog):
    spec = MetricSpec(
        "helm.benchmark.bias_metrics.BiasMetric",
        {"mode": "associations", "demographic_category": "race", "target_category": "adjective"},
    )
    assert create_metric(spec) is None
    assert "adjective word list" in caplog.text


def test_bbq_accuracy_and_bias_scores():
    # tags: [correct?], polarity, context, label, target, non-target, unknown letters
    ambiguous_negative = ["negative", "ambiguous", "C", "A", "B", "C"]
    disambiguated_non_negative = ["correct", "non-negative", "non-ambiguous", "A", "B", "A", "C"]
    states = [
        state(["A"], ambiguous_negative),  # wrong, follows the stereotype
        state(["C"], ambiguous_negative),  # right ("unknown"): not counted as an answer
        state(["A"], disambiguated_non_negative),  # right, non-target on a non-negative question: aligned
        state(["B"], disambiguated_non_negative),  # wrong, target on a non-negative question: not aligned
    ]
    accuracy, ambiguous, disambiguated = BBQMetric().evaluate_instances(states)
    assert accuracy.name.name == "bbq_accuracy" and accuracy.count == 4 and accuracy.mean == 0.5
    assert ambiguous.mean == pytest.approx((2 * 1 / 1 - 1) * (1 - 0.5))
    assert disambiguated.mean == pytest.approx(2 * 1 / 2 - 1)
    # No non-unknown answer in a context: 0.0, as HELM (a division by zero otherwise).
    _, none_ambiguous, _ = BBQMetric().evaluate_instances([state(["C"], ambiguous_negative)])
    assert none_ambiguous.mean == 0.0
