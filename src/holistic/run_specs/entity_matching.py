"""entity_matching: do two product rows (DeepMatcher data sets) describe the same entity? Yes or No."""

from holistic.run_specs.presets import (
    get_exact_match_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.entity_matching_scenario import check_dataset
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(dataset: str) -> RunSpec:
    check_dataset(dataset)
    return RunSpec(
        name=f"entity_matching:dataset={dataset}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.entity_matching_scenario.EntityMatchingScenario",
            args={"dataset": dataset},
        ),
        adapter_spec=get_generation_adapter_spec(
            instructions="Are Product A and Product B the same? Yes or No?", output_noun="Answer"
        ),
        metric_specs=get_exact_match_metric_specs() + get_generative_harms_metric_specs(),
        groups=["entity_matching"],
    )
