"""RunSpec: everything needed to produce one run directory."""

from __future__ import annotations

from dataclasses import dataclass, field

from holistic.specs.adapter_spec import AdapterSpec
from holistic.specs.object_spec import DataAugmenterSpec, MetricSpec, ScenarioSpec


@dataclass(frozen=True)
class RunSpec:
    name: str
    """Unique name; also the run directory's name (`/` replaced by `_`)."""

    scenario_spec: ScenarioSpec
    """Which scenario provides the instances."""

    adapter_spec: AdapterSpec
    """How instances become requests."""

    metric_specs: list[MetricSpec]
    """Which metrics are computed."""

    data_augmenter_spec: DataAugmenterSpec = field(default_factory=DataAugmenterSpec)
    """Perturbations applied to the instances."""

    groups: list[str] = field(default_factory=list)
    """Run groups used by helm-summarize."""

    def __post_init__(self) -> None:
        # The name is a directory name: HELM replaces the path separator.
        object.__setattr__(self, "name", self.name.replace("/", "_"))
