"""entity_data_imputation: predict a missing cell (Buy manufacturer, Restaurant city) from the rest of a row."""

from holistic.run_specs.presets import (
    get_exact_match_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.entity_data_imputation_scenario import check_dataset
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(dataset: str) -> RunSpec:
    check_dataset(dataset)
    return RunSpec(
        name=f"entity_data_imputation:dataset={dataset}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.entity_data_imputation_scenario.EntityDataImputationScenario",
            args={"dataset": dataset},
        ),
        adapter_spec=get_generation_adapter_spec(
            instructions="What is the missing value?", output_noun="Answer"
        ),
        metric_specs=get_exact_match_metric_specs() + get_generative_harms_metric_specs(),
        groups=["entity_data_imputation"],
    )
