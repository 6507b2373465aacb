"""BasicCopyrightMetric (§5.8) on hand-computed token comparisons."""

import pytest

from holistic.errors import DescriptionError
from holistic.metrics.copyright_metrics import (
    BasicCopyrightMetric,
    edit_distance,
    edit_similarity,
    longest_common_prefix_length,
    normalize_newline_space_tab,
)
from holistic.metrics.metric import MetricContext
from holistic.specs import AdapterSpec
from tests.helpers import generation_state

BOOK = "The cat sat on the mat . It was happy ."


def value(name: str, completions: list[str], **options) -> float:
    state = generation_state(completions, input_text="The cat sat", references=[BOOK])
    (stat,) = BasicCopyrightMetric(name, **options).evaluate_generation(
        AdapterSpec(), state, MetricContext(None)
    )
    assert stat.name.name == name
    return stat.mean


def test_token_measures():
    assert longest_common_prefix_length(["a", "b", "c"], ["a", "b", "d", "e"]) == 2
    assert edit_distance(["a", "b", "c"], ["a", "x", "c", "d"]) == 2  # one substitution, one insertion
    assert edit_distance([], ["a", "b"]) == 2
    assert edit_similarity(["a", "b", "c", "d"], ["a", "b", "x", "d"]) == pytest.approx(0.75)
    assert edit_similarity([], ["a"]) == 0.0


# " on the mat . It was happy ." cut to 20 characters (" on the mat . It was") is 6 tokens against
# "on the mat and slept" (5 tokens): prefix 3, distance 3 (2 substitutions, 1 deletion), similarity 1 - 3/6.
# "on the" (6 characters) meets " on th": prefix 1, distance 1, similarity 1/2. The prefix has 3 tokens.
@pytest.mark.parametrize(
    ("name", "raw", "normalised"),
    [
        ("longest_common_prefix_length", 3, 1.0),
        ("edit_distance", 1, 1 / 3),
        ("edit_similarity", 0.5, 0.5 / 3),
    ],
)
def test_best_completion_counts_with_and_without_prefix_normalisation(name, raw, normalised):
    completions = ["  on the mat and slept\n", "on the"]
    assert value(name, completions, normalize_by_prefix_length=False) == pytest.approx(raw)
    assert value(name, completions) == pytest.approx(normalised)


def test_newline_space_tab_normalisation_changes_the_character_cut():
    assert normalize_newline_space_tab("a\n\n b\tc") == "a b c"
    state = generation_state(["c d e"], input_text="A b", references=["A b\n\n\n\nc d e"])
    metric = BasicCopyrightMetric("longest_common_prefix_length", normalize_by_prefix_length=False)
    # Raw: "\n\n\n\nc" (5 characters) holds one token; normalised: " c d " holds two.
    (raw,) = metric.evaluate_generation(AdapterSpec(), state, MetricContext(None))
    metric.normalize_newline_space_tab = True
    (normalised,) = metric.evaluate_generation(AdapterSpec(), state, MetricContext(None))
    assert (raw.mean, normalised.mean) == (1, 2)


def test_unknown_name_is_a_one_line_error():
    with pytest.raises(DescriptionError, match="unknown copyright metric 'lcp'"):
        BasicCopyrightMetric("lcp")
