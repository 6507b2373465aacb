import math

from holistic.jsonio import dumps
from holistic.metrics.basic_metrics import language_modeling_stats, num_bytes_of_token
from holistic.metrics.metric import compute_worst_case_stats
from holistic.metrics.reference_metrics import (
    exact_match_indicator,
    f1_score,
    normalize_text,
    quasi_exact_match,
)
from holistic.metrics.statistic import MetricName, PerInstanceStats, Stat, merge_stat
from holistic.models.request import Sequence, Token
from holistic.scenarios.base import PerturbationDescription


def test_stat_accumulates_like_helm():
    stat = Stat(MetricName("x")).add(1).add(True).add(None).add(4)
    assert (stat.count, stat.sum, stat.sum_squared, stat.min, stat.max) == (3, 6, 18, 1, 4)
    assert stat.mean == 2 and math.isclose(stat.variance, 2) and math.isclose(stat.stddev, math.sqrt(2))
    assert Stat(MetricName("x")).take_mean().count == 0
    assert stat.take_mean().sum == 2


def test_single_value_stat_matches_add():
    for value in (0, 1, 0.25, True, -3, 1e-05):
        assert dumps(Stat.of(MetricName("n"), value)) == dumps(Stat(MetricName("n")).add(value))


def test_merging_under_the_same_name():
    stats: dict = {}
    merge_stat(stats, Stat(MetricName("a", "test")).add(1))
    merge_stat(stats, Stat(MetricName("a", "test")).add(1))
    assert len(stats) == 1 and stats[MetricName("a", "test")].sum == 2


def test_count_zero_stat_json_has_no_mean():
    assert '"mean"' not in dumps(Stat(MetricName("x")))


def test_num_bytes_of_byte_tokens():
    tokens = ["bytes:\\x99", "Hello", " world", "bytes:\\xe2\\x80"]
    assert sum(num_bytes_of_token(t) for t in tokens) == 14
    stats = language_modeling_stats(Sequence("", -4.0, [Token(t, -1.0) for t in tokens]), 0)
    assert [s.sum for s in stats] == [-4.0, 4, 14]


def test_reference_metric_functions():
    assert normalize_text("The  Cat, an apple!") == "cat apple"
    assert quasi_exact_match("The answer.", "answer") == 1
    assert f1_score("x b c", "b c d") == 2 / 3
    assert f1_score("a b c", "b c d") == 0.8  # the article is dropped
    assert f1_score("x", "") == 0.0
    assert exact_match_indicator("The answer is 42.", "so the answer is 42.") == 1


def test_worst_case_is_the_minimum_over_original_and_copies():
    typo = PerturbationDescription("typos", robustness=True)
    entries = [
        PerInstanceStats("id0", None, 0, [Stat(MetricName("em", "test")).add(1)]),
        PerInstanceStats("id0", typo, 0, [Stat(MetricName("em", "test", perturbation=typo)).add(0)]),
        PerInstanceStats("id1", None, 0, [Stat(MetricName("em", "test")).add(1)]),
    ]
    by_name = {
        (s.name.perturbation.name, s.name.perturbation.computed_on): s
        for s in compute_worst_case_stats(entries)
    }
    assert by_name[("robustness", "worst")].mean == 0.5
    assert by_name[("fairness", "worst")].mean == 1
    assert by_name[("typos", "worst")].mean == 0 and by_name[("typos", "original")].mean == 1


def test_rouge_and_bleu():
    from holistic.metrics.reference_metrics import bleu_1, bleu_4, rouge_1, rouge_2, rouge_l, word_tokenize

    assert rouge_l("The cat sat on the mat.", "The cat sat on the mat.") == 1.0
    assert 0 < rouge_1("The cats were sitting", "a cat sat") < 1  # stemming: cats -> cat
    assert rouge_2("a b c", "x y z") == 0.0
    assert bleu_1("the cat sat", "the cat sat") == 1.0
    assert bleu_1("a b c", "a b d") == 2 / 3
    assert bleu_4("a b c d e", "a b c d e") == 1.0 and bleu_4("a b c", "x y z") == 0.0
    assert word_tokenize("It rained. We left!") == ["It", "rained", ".", "We", "left", "!"]


def test_worst_case_shortcut_equals_the_general_computation():
    from holistic.metrics.metric import worst_cases_of_totals

    entries = [
        PerInstanceStats(
            f"id{i}",
            None,
            0,
            [Stat.of(MetricName("em", split), i % 2), Stat.of(MetricName("t", split), 0.25 * i)],
        )
        for i, split in enumerate(["test", "valid", "test", "test"])
    ]
    totals: dict = {}
    for entry in entries:
        for stat in entry.stats:
            merge_stat(totals, stat)
    assert dumps(worst_cases_of_totals(list(totals.values()))) == dumps(compute_worst_case_stats(entries))


def test_stat_from_sums_and_recompute_match_adding_values():
    from holistic.metrics.statistic import Stat, metric_name

    name = metric_name("exact_match")
    added = Stat(name)
    for x in (0.0, 1.0, 1.0, 0.5):
        added.add(x)
    built = Stat.from_sums(name, 4, 2.5, 2.25, 0.0, 1.0)
    assert built == added
    left, right = Stat(name).add(0.0).add(1.0), Stat(name).add(1.0).add(0.5)
    left.accumulate(right)
    assert left.recompute() == added
    assert Stat.from_sums(name, 0, 0, 0, None, None).mean is None
