"""Stat, MetricName and PerInstanceStats (§3.4)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from holistic.jsonio import encode_float, memoize_json_of, register_json_encoder
from holistic.scenarios.base import PerturbationDescription


@dataclass(frozen=True)
class MetricName:
    name: str
    """What is measured (`exact_match`)."""

    split: str | None = None
    """Which split the instances came from."""

    sub_split: str | None = None
    """Finer group of instances."""

    perturbation: PerturbationDescription | None = None
    """Perturbation applied to the instances (or the robustness/fairness worst case)."""


@lru_cache(maxsize=65536)
def metric_name(
    name: str,
    split: str | None = None,
    sub_split: str | None = None,
    perturbation: PerturbationDescription | None = None,
) -> MetricName:
    """An interned MetricName: stats of many instances share one object (less memory, faster hashing)."""
    return MetricName(name, split, sub_split, perturbation)


@dataclass(slots=True)
class Stat:
    """Running count, sum, sum of squares, min and max of a metric; mean/variance/stddev derived."""

    name: MetricName
    count: int = 0
    sum: float = 0
    sum_squared: float = 0
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    variance: float | None = None
    stddev: float | None = None

    def add(self, x: float | bool | None) -> Stat:
        if x is None:
            return self
        if isinstance(x, bool):
            x = 1 if x else 0
        self.sum += x
        self.sum_squared += x * x
        self.min = x if self.min is None else min(self.min, x)
        self.max = x if self.max is None else max(self.max, x)
        self.count += 1
        self.recompute()
        return self

    @staticmethod
    def of(name: MetricName, value: float | bool | None) -> Stat:
        """A Stat holding one value: the same fields `Stat(name).add(value)` gives, built directly."""
        if value is None:
            return Stat(name)
        if isinstance(value, bool):
            value = 1 if value else 0
        mean = value / 1
        if mean - mean != 0:  # inf or nan: let add() do the arithmetic
            return Stat(name).add(value)
        return Stat(name, 1, value, value * value, value, value, mean, 0, 0.0)

    def accumulate(self, other: Stat) -> None:
        """Merge sums, counts and extremes only; call `recompute()` once when done (hot loops)."""
        if other.count == 0:
            return
        self.sum += other.sum
        self.sum_squared += other.sum_squared
        self.min = other.min if self.min is None else min(self.min, other.min)
        self.max = other.max if self.max is None else max(self.max, other.max)
        self.count += other.count

    def merge(self, other: Stat) -> Stat:
        if other.count == 0:
            return self
        self.sum += other.sum
        self.sum_squared += other.sum_squared
        self.min = other.min if self.min is None else min(self.min, other.min)
        self.max = other.max if self.max is None else max(self.max, other.max)
        self.count += other.count
        self.recompute()
        return self

    @staticmethod
    def from_sums(
        name: MetricName, count: int, sum: float, sum_squared: float, min: float | None, max: float | None
    ) -> Stat:
        """A Stat from running totals (count, sum, sum of squares, extremes), mean/variance/stddev derived."""
        stat = Stat(name, count, sum, sum_squared, min, max)
        return stat.recompute() if count else stat

    def recompute(self) -> Stat:
        """Derive mean, variance and stddev from the sums (after `accumulate`); needs count > 0."""
        mean = self.sum / self.count
        # Population variance, clamped at 0 against rounding (the int 0, as HELM's max(0, v) writes it).
        try:
            variance = self.sum_squared / self.count - mean**2  # `**` as HELM, for identical rounding
        except OverflowError:
            variance = math.inf
        if not variance > 0:
            variance = 0
        self.mean = mean
        self.variance = variance
        self.stddev = math.sqrt(variance)
        return self

    def take_mean(self) -> Stat:
        if self.count == 0:
            return self
        return Stat(self.name).add(self.mean)

    def copy(self) -> Stat:
        return self.with_name(self.name)

    def with_name(self, name: MetricName) -> Stat:
        return Stat(
            name,
            self.count,
            self.sum,
            self.sum_squared,
            self.min,
            self.max,
            self.mean,
            self.variance,
            self.stddev,
        )


@dataclass(frozen=True)
class PerInstanceStats:
    instance_id: str
    """Id of the instance."""

    perturbation: PerturbationDescription | None
    """Perturbation of the instance, if any."""

    train_trial_index: int
    """Which trial."""

    stats: list[Stat] = field(default_factory=list)
    """Stats of this instance in this trial."""


def merge_stat(stats: dict[MetricName, Stat], stat: Stat) -> None:
    """Merge `stat` into the dict entry of the same name (insertion order kept)."""
    existing = stats.get(stat.name)
    if existing is None:
        stats[stat.name] = stat.copy()
    else:
        existing.merge(stat)


def _number(value: float) -> str:
    text = repr(value)
    # Only nan, inf and -inf end in a letter; JSON spells them NaN / Infinity.
    return text if text[-1] not in "nf" else encode_float(value)


def _encode_stat(encoder, stat: Stat, depth: int) -> str:
    """Stat's JSON text, as the generic encoder writes it (stats files hold hundreds of thousands).

    Per-instance stats mostly hold one value that repeats across instances and runs (flags, counts), so the
    text of single-value stats is memoised by name and value. The key spells zero with its sign (0.0 == -0.0).
    In compact files (`encoder.compact`) a stat leaves out the fields a reader derives (`jsonio.full_stat`):
    those equal to their defaults when it holds no value, and those a single value determines when it holds
    one.
    """
    if stat.count == 1:
        value = stat.sum
        single = encoder.compact and _holds_one_value(stat)
        key = (
            id(stat.name),
            depth,
            type(value),
            value if value else repr(value),
            single or _full_key(stat, value),
        )
        text = encoder.stat_memo.get(key)
        if text is None:
            text = encoder.stat_memo[key] = (
                _format_single(encoder, stat, depth) if single else _format_stat(encoder, stat, depth)
            )
            encoder.keep_alive(stat.name)
        return text
    if stat.count == 0 and encoder.compact and _holds_no_value(stat):
        pad = encoder.pads[depth + 1]
        name = encoder.encode_memoized(stat.name, depth + 1)
        return "{" + pad + f'"name"{encoder.colon}' + name + encoder.pads[depth] + "}"
    return _format_stat(encoder, stat, depth)


def _full_key(stat: Stat, value: float) -> tuple:
    """What else a count-1 stat's full text depends on: values with their types (4 == 4.0) and, for a zero
    sum, the signs of the zeros (0.0 == -0.0; adding -0.0 gives the sum 0.0 but the min -0.0)."""
    low, high = stat.min, stat.max
    key = (stat.sum_squared, type(stat.sum_squared), low, type(low), high, type(high))
    key += (stat.mean, type(stat.mean), stat.variance, type(stat.variance), stat.stddev)
    if not value:
        key += (repr(low), repr(high), repr(stat.mean), repr(stat.sum_squared))
    return key


def _holds_no_value(stat: Stat) -> bool:
    """Whether a count-0 stat is all defaults (the int 0 sums, nothing else), so that only its name is written."""
    if type(stat.sum) is not int or type(stat.sum_squared) is not int or stat.sum or stat.sum_squared:
        return False
    return stat.min is None and stat.max is None and stat.mean is None


def _holds_one_value(stat: Stat) -> bool:
    """Whether a count-1 stat is exactly what adding its one value gives, so that its sum (when a float),
    sum of squares, min, max, variance and stddev can be left out and derived again from `mean` (and `sum`,
    kept when an int, since the int 4 and the float 4.0 are written differently). Anything else is written
    in full."""
    value = stat.sum
    kind = type(value)
    if kind is not int and kind is not float:
        return False
    low, high, mean, squared = stat.min, stat.max, stat.mean, stat.sum_squared
    if type(low) is not kind or type(high) is not kind or low != value or high != value:
        return False
    if type(mean) is not float or type(stat.variance) is not int or stat.variance != 0:
        return False
    if type(stat.stddev) is not float or stat.stddev != 0.0:
        return False
    expected = value * value
    if type(squared) is not type(expected) or squared != expected:
        return False
    if mean != value:  # also true for NaN; the memo keys single-value texts by the value alone
        return False
    if value == 0:  # 0.0 and -0.0 are equal but written differently
        if kind is int:
            return repr(mean) == "0.0"
        text = repr(value)
        return repr(low) == text and repr(high) == text and repr(mean) == text
    return True


def _format_single(encoder, stat: Stat, depth: int) -> str:
    pad = encoder.pads[depth + 1]
    c = encoder.colon
    text = "{" + pad + f'"name"{c}' + encoder.encode_memoized(stat.name, depth + 1) + f',{pad}"count"{c}1'
    if type(stat.sum) is int:
        text += f',{pad}"sum"{c}{stat.sum}'
    return text + f',{pad}"mean"{c}{_number(stat.mean)}' + encoder.pads[depth] + "}"


def _format_stat(encoder, stat: Stat, depth: int) -> str:
    pad = encoder.pads[depth + 1]
    c = encoder.colon  # ": ", or ":" when compact
    text = "{" + pad + f'"name"{c}' + encoder.encode_memoized(stat.name, depth + 1)
    text += f',{pad}"count"{c}{stat.count},{pad}"sum"{c}{_number(stat.sum)},{pad}"sum_squared"{c}{_number(stat.sum_squared)}'
    if stat.min is not None:
        text += f',{pad}"min"{c}{_number(stat.min)},{pad}"max"{c}{_number(stat.max)}'
    if stat.mean is not None:
        text += f',{pad}"mean"{c}{_number(stat.mean)},{pad}"variance"{c}{_number(stat.variance)},{pad}"stddev"{c}{_number(stat.stddev)}'
    return text + encoder.pads[depth] + "}"


memoize_json_of(MetricName)
register_json_encoder(Stat, _encode_stat)
