"""Calibration stats (§5.4): ECE with equal-mass bins, selective accuracy, Platt scaling.

Inputs per instance: `max_prob` (the model's confidence in its prediction) and `exact_match` (whether it
was right; a fractional tie credit counts as wrong, as HELM 0.5's `int()`). Definitions, matching the
`uncertainty-calibration` library HELM uses (top-label, p = 1, no debiasing), written out here:

* Equal-mass bins: sort the confidences, split them into `num_bins` chunks as NumPy's `array_split`
  (the first n mod k chunks one longer; at most n chunks), take as edges the midpoints between the last
  value of a chunk and the first of the next, deduplicated, plus 1.0. A confidence belongs to the first
  edge ≥ it.
* ECE = Σ over bins of (bin size / n) · |mean confidence − mean correctness|. `ece_1_bin` uses the single
  edge 1.0, so it is |mean confidence − accuracy|.
* Selective accuracy: sort by confidence, most confident first (stable, so ties keep instance order);
  acc_i = accuracy of the first i; `selective_cov_acc_area` = mean of acc_i, `selective_acc@10` =
  acc at index ⌊0.1 n⌋ (0-based).
* Platt scaling: logistic regression of correctness on logit(confidence) (confidences clipped to
  [1e-12, 1 − 1e-12]) with scikit-learn's objective at C = 1e10 (an L2 penalty of 1/(2C) on the slope
  only), solved by Newton's method; `platt_coef`, `platt_intercept`, and both ECEs of the recalibrated
  confidences. When every instance is right, or every one wrong, the fit is undefined and both
  Platt ECEs are 0.
"""

from __future__ import annotations

import math

from holistic.metrics.statistic import MetricName, Stat

EPSILON = 1e-12
PLATT_C = 1e10


def equal_mass_bin_edges(probs: list[float], num_bins: int) -> list[float]:
    values = sorted(probs)
    parts = min(num_bins, len(values))
    size, extra = divmod(len(values), parts)
    chunks, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        chunks.append(values[start:end])
        start = end
    edges = {(chunks[i][-1] + chunks[i + 1][0]) / 2.0 for i in range(parts - 1)}
    edges.add(1.0)
    return sorted(edges)


def binned_ece(probs: list[float], correct: list[int], edges: list[float]) -> float:
    import bisect

    bins: dict[int, list[tuple[float, int]]] = {}
    for p, c in zip(probs, correct):
        bins.setdefault(bisect.bisect_left(edges, p), []).append((p, c))
    n = len(probs)
    return sum(
        len(members)
        / n
        * abs(sum(p for p, _ in members) / len(members) - sum(c for _, c in members) / len(members))
        for members in bins.values()
    )


def ece_equal_mass(probs: list[float], correct: list[int], num_bins: int = 10) -> float:
    return binned_ece(probs, correct, equal_mass_bin_edges(probs, num_bins))


def ece_one_bin(probs: list[float], correct: list[int]) -> float:
    return binned_ece(probs, correct, [1.0])


def selective_stats(probs: list[float], correct: list[int]) -> tuple[float, float]:
    order = sorted(range(len(probs)), key=lambda i: -probs[i])
    accuracies, hits = [], 0
    for count, i in enumerate(order, start=1):
        hits += correct[i]
        accuracies.append(hits / count)
    return sum(accuracies) / len(accuracies), accuracies[int(0.1 * len(accuracies))]


def _logit(p: float) -> float:
    p = min(max(p, EPSILON), 1 - EPSILON)
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def fit_platt(probs: list[float], correct: list[int], max_iterations: int = 100) -> tuple[float, float]:
    """(slope, intercept) of the logistic regression of correctness on logit(confidence)."""
    xs = [_logit(p) for p in probs]
    penalty = 1 / PLATT_C
    a = b = 0.0
    for _ in range(max_iterations):
        # Gradient and Hessian of Σ log-loss + penalty/2 · a².
        ga, gb, haa, hab, hbb = penalty * a, 0.0, penalty, 0.0, 0.0
        for x, y in zip(xs, correct):
            p = _sigmoid(a * x + b)
            w = p * (1 - p)
            ga += (p - y) * x
            gb += p - y
            haa += w * x * x
            hab += w * x
            hbb += w
        det = haa * hbb - hab * hab
        if det <= 0:
            break
        step_a = (hbb * ga - hab * gb) / det
        step_b = (haa * gb - hab * ga) / det
        a, b = a - step_a, b - step_b
        if abs(step_a) < 1e-12 and abs(step_b) < 1e-12:
            break
    return a, b


def calibration_stats(max_probs: list[float], correct: list[int]) -> list[Stat]:
    """ECE, selective accuracy and Platt stats of one context (empty when there is no instance)."""
    if not max_probs:
        return []

    def stat(name: str, value: float) -> Stat:
        return Stat(MetricName(name)).add(value)

    area, top_decile = selective_stats(max_probs, correct)
    stats = [
        stat("ece_10_bin", ece_equal_mass(max_probs, correct, 10)),
        stat("ece_1_bin", ece_one_bin(max_probs, correct)),
        stat("selective_cov_acc_area", area),
        stat("selective_acc@10", top_decile),
    ]
    if sum(correct) in (0, len(correct)):
        return stats + [stat("platt_ece_10_bin", 0.0), stat("platt_ece_1_bin", 0.0)]
    slope, intercept = fit_platt(max_probs, correct)
    recalibrated = [_sigmoid(slope * _logit(p) + intercept) for p in max_probs]
    return stats + [
        stat("platt_coef", slope),
        stat("platt_intercept", intercept),
        stat("platt_ece_10_bin", ece_equal_mass(recalibrated, correct, 10)),
        stat("platt_ece_1_bin", ece_one_bin(recalibrated, correct)),
    ]


def calibration_inputs(items) -> tuple[list[float], list[int], bool]:
    """Per instance (max_prob, exact_match as 0/1), and whether any log-probability was non-zero.

    `items` are (instance, stats) pairs of one context; instances lacking either stat are skipped.
    """
    max_probs: list[float] = []
    correct: list[int] = []
    has_logprobs = False
    saw_logprob = False
    for _, stats in items:
        by_name = {}
        for s in stats:
            by_name.setdefault(s.name.name, s)
            if s.name.name == "logprob":
                saw_logprob = True
                has_logprobs = has_logprobs or s.sum < 0
        max_prob, exact_match = by_name.get("max_prob"), by_name.get("exact_match")
        if max_prob is None or exact_match is None or max_prob.mean is None or exact_match.mean is None:
            continue
        max_probs.append(max_prob.mean)
        correct.append(int(exact_match.mean))
    # Without logprob stats (separate methods) nothing says the model lacks log-probabilities.
    return max_probs, correct, has_logprobs or not saw_logprob
