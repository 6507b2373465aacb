"""DistanceMetric (§5.8): how far the predicted point lies from the numeracy scenario's relation.

The completion is the last coordinate of a point whose other coordinates are the instance's input; the stat
`distance` is the Euclidean distance from that point to the curve or surface (summed over the valid
completions, as HELM), and `percent_valid` the share of completions that are integers (commas ignored).

Distances are closed forms (lines, planes) or the smallest real critical point of the squared distance
(parabolas; paraboloids by Lagrange multipliers, taking the generic solutions of the linear system in x, y
as HELM's symbolic solver does).
"""

from __future__ import annotations

import math
import re

from holistic.adaptation.request_state import RequestState
from holistic.metrics.metric import Metric, MetricContext
from holistic.metrics.statistic import Stat, metric_name
from holistic.scenarios.numeracy_scenario import DELIMITER
from holistic.specs import AdapterSpec

_TERM = re.compile(r"^(\d*)((?:[xyz](?:\^\d+)?)*)$")
_FACTOR = re.compile(r"([xyz])(?:\^(\d+))?")
IMAGINARY_TOLERANCE = 1e-7


def parse_polynomial(text: str) -> dict[tuple[int, int], int]:
    """`2x^2 + xy - 3` -> {(2, 0): 2, (1, 1): 1, (0, 0): -3} (powers of x and y), the scenario's own format."""
    coefficients: dict[tuple[int, int], int] = {}
    for sign, term in re.findall(
        r"(^-?|[+-] )([^ +-][^ ]*)", text.replace(" - ", " + -").replace("+ -", "- ")
    ):
        match = _TERM.match(term)
        if match is None:
            raise ValueError(f"cannot parse the term '{term}' of '{text}'")
        digits, variables = match.groups()
        coefficient = int(digits) if digits else 1
        if sign.strip() == "-":
            coefficient = -coefficient
        powers = [0, 0]
        for variable, power in _FACTOR.findall(variables):
            powers["xy".index(variable)] += int(power or 1)
        key = (powers[0], powers[1])
        coefficients[key] = coefficients.get(key, 0) + coefficient
    return coefficients


def _right_side(relation: str) -> dict[tuple[int, int], int]:
    return parse_polynomial(relation.split(" = ")[-1])


def _real_roots(coefficients: list[float]) -> list[float]:
    import numpy as np

    roots = np.roots(np.trim_zeros(np.array(coefficients, dtype=float), "f"))
    return [float(r.real) for r in roots if abs(r.imag) <= IMAGINARY_TOLERANCE * max(1.0, abs(r))]


def distance_linear(point: list[int], relation: str) -> float:
    p = _right_side(relation)
    a, c = p.get((1, 0), 0), p.get((0, 0), 0)
    x, y = point
    return abs(a * x - y + c) / math.sqrt(a * a + 1)


def distance_plane(point: list[int], relation: str) -> float:
    p = _right_side(relation)
    a, b, d = p.get((1, 0), 0), p.get((0, 1), 0), p.get((0, 0), 0)
    x, y, z = point
    return abs(a * x + b * y - z + d) / math.sqrt(a * a + b * b + 1)


def distance_parabola(point: list[int], relation: str) -> float:
    """Minimise (x - x0)^2 + (p(x) - y0)^2 over the real roots of its (cubic) derivative."""
    import numpy as np

    p = _right_side(relation)
    a, b, c = p.get((2, 0), 0), p.get((1, 0), 0), p.get((0, 0), 0)
    x0, y0 = point
    curve = np.poly1d([a, b, c])
    squared = np.poly1d([1, -x0]) ** 2 + (curve - y0) ** 2
    values = [squared(x) for x in _real_roots(list(squared.deriv().coeffs))]
    return math.sqrt(min(v for v in values if v >= 0)) if values else 0.0


def distance_paraboloid(point: list[int], relation: str) -> float:
    """Lagrange multipliers for z = a x^2 + b xy + c y^2 + d x + e y + k.

    With t = z - z0, stationarity is linear in (x, y): (1 + 2at) x + bt y = x0 - dt and
    bt x + (1 + 2ct) y = y0 - et. Solving it by Cramer's rule and requiring z = f(x, y) gives a polynomial in
    t; its real roots (where the system is regular) are the candidate points."""
    import numpy as np

    p = _right_side(relation)
    a, b, c = p.get((2, 0), 0), p.get((1, 1), 0), p.get((0, 2), 0)
    d, e, k = p.get((1, 0), 0), p.get((0, 1), 0), p.get((0, 0), 0)
    x0, y0, z0 = point

    def f(x: float, y: float) -> float:
        return a * x * x + b * x * y + c * y * y + d * x + e * y + k

    if abs(f(x0, y0) - z0) < 1e-10:
        return 0.0
    P = np.poly1d
    det = P([2 * a, 1]) * P([2 * c, 1]) - P([b * b, 0, 0])
    num_x = P([-d, x0]) * P([2 * c, 1]) - P([b, 0]) * P([-e, y0])
    num_y = P([2 * a, 1]) * P([-e, y0]) - P([b, 0]) * P([-d, x0])
    # det^2 (f(x, y) - z0 - t) with x = num_x / det, y = num_y / det:
    equation = a * num_x * num_x + b * num_x * num_y + c * num_y * num_y + (d * num_x + e * num_y) * det
    equation = equation + P([-1, k - z0]) * det * det
    candidates = []
    for t in _real_roots(list(equation.coeffs)):
        denominator = det(t)
        if abs(denominator) < 1e-12:
            continue  # a singular system: not among the generic solutions
        x, y = num_x(t) / denominator, num_y(t) / denominator
        candidates.append((x - x0) ** 2 + (y - y0) ** 2 + (f(x, y) - z0) ** 2)
    if b == 0:
        candidates += _axis_branches(a, c, d, e, k, x0, y0, z0)
        candidates += _axis_branches(c, a, e, d, k, y0, x0, z0)
    candidates = [value for value in candidates if value >= 0]
    return math.sqrt(min(candidates)) if candidates else 0.0


def _axis_branches(a: float, c: float, d: float, e: float, k: float, x0: float, y0: float, z0: float) -> list:
    """Without an xy term the x equation (1 + 2at) x = x0 - dt also holds for every x at t = -1/(2a) when
    x0 = -d/(2a); HELM's solver finds that branch (unless y is singular at the same t). There
    (x - x0)^2 = disc / (4a^2) for the quadratic a x^2 + d x + R = 0, a real number even when the roots are
    complex, and HELM keeps it whenever the squared distance is not negative; so does holistic. (Both x and y
    singular at once leaves HELM's system underdetermined: skipped.)"""
    t = -1 / (2 * a)
    if 2 * a * x0 + d != 0:
        return []
    if 2 * c * y0 + e == 0:
        y = y0  # (y0 - et) / (1 + 2ct) cancels to the constant y0, even where 1 + 2ct = 0
    elif 1 + 2 * c * t == 0:
        return []
    else:
        y = (y0 - e * t) / (1 + 2 * c * t)
    rest = c * y * y + e * y + k - (z0 + t)
    return [(d * d - 4 * a * rest) / (4 * a * a) + (y - y0) ** 2 + t * t]


DISTANCES = {
    "linear": distance_linear,
    "parabola": distance_parabola,
    "plane": distance_plane,
    "paraboloid": distance_paraboloid,
}


class DistanceMetric(Metric):
    def evaluate_generation(
        self, adapter_spec: AdapterSpec, request_state: RequestState, context: MetricContext
    ) -> list[Stat]:
        result = request_state.result
        if result is None or not result.success:
            return []
        _, relation, relation_type = (r.output for r in request_state.instance.references[:3])
        given = [int(v) for v in request_state.instance.input.split("\n")[-1].split(DELIMITER)]
        distance = DISTANCES[relation_type]
        total, num_valid = 0.0, 0
        for completion in result.completions:
            try:
                prediction = int(completion.text.strip().replace(",", ""))
            except ValueError:
                continue
            total += distance([*given, prediction], relation)
            num_valid += 1
        percent_valid = num_valid / len(result.completions) if result.completions else 0.0
        return [Stat.of(metric_name("distance"), total), Stat.of(metric_name("percent_valid"), percent_valid)]
