"""Stat, MetricName and PerInstanceStats (§3.4)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

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


@dataclass
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
        self._update()
        return self

    def merge(self, other: Stat) -> Stat:
        if other.count == 0:
            return self
        self.sum += other.sum
        self.sum_squared += other.sum_squared
        self.min = other.min if self.min is None else min(self.min, other.min)
        self.max = other.max if self.max is None else max(self.max, other.max)
        self.count += other.count
        self._update()
        return self

    def _update(self) -> None:
        self.mean = self.sum / self.count
        # Population variance, clamped at 0 against rounding.
        self.variance = max(0, self.sum_squared / self.count - self.mean**2)
        self.stddev = math.sqrt(self.variance)

    def take_mean(self) -> Stat:
        if self.count == 0:
            return self
        return Stat(self.name).add(self.mean)

    def copy(self) -> Stat:
        return replace(self)

    def with_name(self, name: MetricName) -> Stat:
        return replace(self, name=name)


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
    if stat.name in stats:
        stats[stat.name].merge(stat)
    else:
        stats[stat.name] = stat.copy()
