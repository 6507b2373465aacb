"""the_pile: language modelling (bits per byte) on one subset of the Pile's test set."""

from holistic.run_specs.presets import get_basic_metric_specs, get_language_modeling_adapter_spec
from holistic.scenarios.the_pile_scenario import check_subset
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(subset: str) -> RunSpec:
    check_subset(subset)
    return RunSpec(
        name=f"the_pile:subset={subset}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.the_pile_scenario.ThePileScenario", args={"subset": subset}
        ),
        adapter_spec=get_language_modeling_adapter_spec(),
        metric_specs=get_basic_metric_specs([]),
        groups=["the_pile"],
    )
