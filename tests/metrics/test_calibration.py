"""Calibration stats (§5.4) by their definitions, and their hook in BasicMetric."""

from __future__ import annotations

import math

import pytest

from holistic.metrics.basic_metrics import BasicMetric
from holistic.metrics.calibration import (
    PLATT_C,
    calibration_stats,
    ece_equal_mass,
    ece_one_bin,
    equal_mass_bin_edges,
    fit_platt,
    selective_stats,
)
from holistic.metrics.statistic import MetricName, Stat
from holistic.run_specs.presets import get_multiple_choice_separate_adapter_spec
from holistic.scenarios.base import Instance


def test_fewer_points_than_bins_gives_one_bin_per_point():
    probs, correct = [0.9, 0.8, 0.7, 0.6], [1, 1, 0, 0]
    assert equal_mass_bin_edges(probs, 10) == pytest.approx([0.65, 0.75, 0.85, 1.0])
    assert ece_equal_mass(probs, correct) == pytest.approx((0.1 + 0.2 + 0.7 + 0.6) / 4)
    assert ece_one_bin(probs, correct) == pytest.approx(0.25)


def test_equal_mass_bins_follow_array_split():
    probs = [i / 23 for i in range(1, 24)]  # 23 points in 10 bins: sizes 3,3,3,2,2,2,2,2,2,2
    correct = [i % 2 for i in range(23)]
    sizes = [3, 3, 3, 2, 2, 2, 2, 2, 2, 2]
    expected, start = 0.0, 0
    for size in sizes:
        chunk = range(start, start + size)
        mean_p = sum(probs[i] for i in chunk) / size
        mean_c = sum(correct[i] for i in chunk) / size
        expected += size / 23 * abs(mean_p - mean_c)
        start += size
    assert ece_equal_mass(probs, correct) == pytest.approx(expected)


def test_identical_confidences_share_one_bin():
    assert ece_equal_mass([0.5] * 10, [1] * 7 + [0] * 3) == pytest.approx(0.2)


def test_selective_accuracy():
    area, top = selective_stats([0.9, 0.6, 0.8, 0.7], [1, 0, 0, 1])
    assert area == pytest.approx((1 + 0.5 + 2 / 3 + 0.5) / 4)
    assert top == 1.0


def test_platt_fit_is_the_penalised_maximum_likelihood():
    probs = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3]
    correct = [1, 1, 0, 1, 1, 0, 1, 0, 0, 0]
    slope, intercept = fit_platt(probs, correct)
    xs = [math.log(p / (1 - p)) for p in probs]
    residuals = [1 / (1 + math.exp(-(slope * x + intercept))) - y for x, y in zip(xs, correct)]
    # First-order optimality of Σ log-loss + a²/(2C).
    assert sum(r * x for r, x in zip(residuals, xs)) + slope / PLATT_C == pytest.approx(0, abs=1e-9)
    assert sum(residuals) == pytest.approx(0, abs=1e-9)
    assert slope > 0


def test_stats_and_the_all_correct_case():
    names = [s.name.name for s in calibration_stats([0.9, 0.4, 0.7], [1, 0, 1])]
    assert names == [
        "ece_10_bin", "ece_1_bin", "selective_cov_acc_area", "selective_acc@10",
        "platt_coef", "platt_intercept", "platt_ece_10_bin", "platt_ece_1_bin",
    ]  # fmt: skip
    stats = {s.name.name: s.mean for s in calibration_stats([0.9, 0.4], [1, 1])}
    assert stats["platt_ece_10_bin"] == 0 and "platt_coef" not in stats
    assert calibration_stats([], []) == []


def _instance_stats(max_prob: float, exact_match: float, logprob: float | None = None):
    stats = [Stat(MetricName("max_prob")).add(max_prob), Stat(MetricName("exact_match")).add(exact_match)]
    if logprob is not None:
        stats.append(Stat(MetricName("logprob")).add(logprob))
    return (Instance("q", []), stats)


def test_basic_metric_derives_calibration_then_num_instances(helm_0_5):
    spec = get_multiple_choice_separate_adapter_spec("multiple_choice_separate_original")
    items = [_instance_stats(0.9, 1), _instance_stats(0.6, 0.5), _instance_stats(0.7, 0)]
    stats = BasicMetric([]).derive_per_instance_stats(spec, items)
    by_name = {s.name.name: s.mean for s in stats}
    # The tie (0.5 credit) counts as wrong: correctness [1, 0, 0].
    assert by_name["ece_1_bin"] == pytest.approx(abs((0.9 + 0.6 + 0.7) / 3 - 1 / 3))
    assert stats[-1].name.name == "num_instances" and by_name["num_instances"] == 3
    # A generation run whose model returned no log-probabilities gets no calibration stats.
    flat = [_instance_stats(1.0, 1, logprob=0.0), _instance_stats(1.0, 0, logprob=0.0)]
    assert [s.name.name for s in BasicMetric([]).derive_per_instance_stats(spec, flat)] == ["num_instances"]
    # HELM v0.1 calibrated them anyway (its reference runs of simple/model1 have ece_10_bin = 1).
    from holistic.helm_version import helm_version

    with helm_version("0.1"):
        by_name = {s.name.name: s.mean for s in BasicMetric([]).derive_per_instance_stats(spec, flat)}
    assert by_name["ece_10_bin"] == pytest.approx(0.5) and by_name["num_instances"] == 2
