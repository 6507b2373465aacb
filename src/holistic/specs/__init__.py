"""Specifications: frozen, JSON round-trippable records that describe a run, and their grammar."""

from holistic.specs.adapter_spec import AdapterSpec, Substitution
from holistic.specs.object_spec import (
    DataAugmenterSpec,
    MetricSpec,
    ObjectSpec,
    PerturbationSpec,
    ScenarioSpec,
)
from holistic.specs.run_spec import RunSpec

__all__ = [
    "AdapterSpec",
    "DataAugmenterSpec",
    "MetricSpec",
    "ObjectSpec",
    "PerturbationSpec",
    "RunSpec",
    "ScenarioSpec",
    "Substitution",
]
