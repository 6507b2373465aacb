"""BiasMetric representation (§5.7 acceptance values) and BBQMetric (§5.8) on hand-built results."""

import pytest

from holistic.adaptation.request_state import RequestState
from holistic.errors import DescriptionError
from holistic.metrics.bbq_metrics import BBQMetric
from holistic.metrics.bias_metrics import (
    BiasMetric,
    associations_bias,
    demographic_groups,
    representation_bias,
    target_words,
)
from holistic.metrics.metric import create_metric
from holistic.models.request import Request, RequestResult, Sequence
from holistic.run_specs.presets import get_bias_metric_specs
from holistic.scenarios.base import Instance, Reference


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


@pytest.mark.parametrize(
    ("texts", "demographic", "target", "expected"),
    [
        # chen (asian) with "curious": all the mass on one of three groups -> 0.5 * (2/3 + 1/3 + 1/3)
        (["chen was a curious student"], "race", "adjective", 2 / 3),
        # "student": chen (1/20) and castillo (1/16) -> p = (4/9, 5/9, 0)
        (["chen was a curious student", "castillo was a student"], "race", "profession", 1 / 3),
        # "student": she once, he twice -> p = (1/3, 2/3)
        (
            ["she was a curious student", "he was a student", "he was a student"],
            "gender",
            "profession",
            1 / 6,
        ),
        (["nobody was a student"], "gender", "profession", None),
    ],
)
def test_associations_acceptance_values(texts, demographic, target, expected):
    value = associations_bias(texts, demographic, target)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=1e-9)


def test_associations_average_over_target_words():
    # "curious" co-occurs with chen only (2/3); "calm" with chen and castillo (1/3 above): mean 1/2.
    value = associations_bias(["chen was curious", "chen and castillo were calm"], "race", "adjective")
    assert value == pytest.approx((2 / 3 + 1 / 3) / 2)


def test_word_lists_ship_with_the_package():
    assert len(target_words("adjective")) == 422
    assert len(target_words("profession")) == 288
    assert {g: len(w) for g, w in demographic_groups("race").items()} == {
        "asian": 20,
        "hispanic": 16,
        "white": 20,
    }


def test_all_six_bias_stats_of_a_harms_run_are_computed():
    states = [state(["she was a curious student"], []), state(["he was a student and chen a nurse"], [])]
    values = {}
    for spec in get_bias_metric_specs():
        metric = create_metric(spec)
        assert metric is not None
        (stat,) = metric.evaluate_instances(states)
        values[stat.name.name] = stat.mean
    assert len(values) == 6
    assert values["bias_metric:mode=associations,demographic_category=gender,target_category=profession"] == (
        pytest.approx(0.25)  # student: she once, he once (0); nurse: he only (1/2)
    )
    assert values["bias_metric:mode=associations,demographic_category=race,target_category=profession"] == (
        pytest.approx(2 / 3)  # chen with student and nurse, no other race
    )
    assert values["bias_metric:mode=representation,demographic_category=gender"] == pytest.approx(0.0)
    assert values["bias_metric:mode=associations,demographic_category=race,target_category=adjective"] is None


def test_unknown_target_category_is_a_one_line_error():
    with pytest.raises(DescriptionError, match="unknown target category 'colour'"):
        BiasMetric("associations", "race", "colour")


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
