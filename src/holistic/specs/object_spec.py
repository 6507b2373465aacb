"""ObjectSpec and its named kinds: a class name plus keyword arguments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ObjectSpec:
    class_name: str
    """Dotted name of the class, HELM's spelling (e.g. `helm.benchmark.basic_metrics.BasicMetric`)."""

    args: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for the constructor."""

    def __hash__(self) -> int:
        return hash((self.class_name, repr(sorted(self.args.items(), key=lambda kv: kv[0]))))


@dataclass(frozen=True)
class ScenarioSpec(ObjectSpec):
    """Which scenario to build, and with which arguments."""

    __hash__ = ObjectSpec.__hash__


@dataclass(frozen=True)
class MetricSpec(ObjectSpec):
    """Which metric to compute, and with which arguments."""

    __hash__ = ObjectSpec.__hash__


@dataclass(frozen=True)
class PerturbationSpec(ObjectSpec):
    """Which perturbation to apply, and with which arguments."""

    __hash__ = ObjectSpec.__hash__


@dataclass(frozen=True)
class DataAugmenterSpec:
    perturbation_specs: list[PerturbationSpec] = field(default_factory=list)
    """Perturbations applied, each independently, to the original instances."""

    should_augment_train_instances: bool = False
    """Whether train instances are perturbed."""

    should_include_original_train: bool = False
    """Whether the unperturbed train instances are kept."""

    should_skip_unchanged_train: bool = False
    """Whether a perturbed train instance equal to its original is dropped."""

    should_augment_eval_instances: bool = False
    """Whether eval instances are perturbed."""

    should_include_original_eval: bool = False
    """Whether the unperturbed eval instances are kept."""

    should_skip_unchanged_eval: bool = False
    """Whether a perturbed eval instance equal to its original is dropped."""

    seeds_per_instance: int = 1
    """How many perturbed copies (seeds) per instance and perturbation."""
