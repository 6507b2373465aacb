"""commonsense: HellaSwag, OpenBookQA, CommonsenseQA, PIQA or SIQA (`dataset=`), joint or separate (`method=`)."""

from holistic.run_specs.presets import (
    check_method,
    get_exact_match_metric_specs,
    get_multiple_choice_adapter_spec,
)
from holistic.scenarios.commonsense_scenario import check_dataset
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(dataset: str, method: str) -> RunSpec:
    check_dataset(dataset)
    check_method(method)
    return RunSpec(
        name=f"commonsense:dataset={dataset},method={method}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.commonsense_scenario.CommonSenseScenario",
            args={"dataset": dataset},
        ),
        adapter_spec=get_multiple_choice_adapter_spec(
            method=method,
            instructions="The following are multiple choice questions (with answers) about common sense.",
            input_noun="Question",
            output_noun="Answer",
        ),
        metric_specs=get_exact_match_metric_specs(),
        groups=[dataset],
    )
