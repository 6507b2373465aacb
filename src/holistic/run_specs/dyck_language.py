"""dyck_language: close the open brackets of a Dyck-n prefix (`num_parenthesis_pairs` 1..4), 3-shot."""

from holistic.run_specs.presets import (
    get_basic_metric_specs,
    get_completion_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.dyck_language_scenario import check_num_parenthesis_pairs
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(num_parenthesis_pairs: int) -> RunSpec:
    check_num_parenthesis_pairs(num_parenthesis_pairs)
    return RunSpec(
        name=f"dyck_language_np={num_parenthesis_pairs}",  # no colon: HELM's name
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.dyck_language_scenario.DyckLanguageScenario",
            args={"num_parenthesis_pairs": num_parenthesis_pairs},
        ),
        adapter_spec=get_completion_adapter_spec(
            instructions="Please complete the rest of the following Dyck sequences, "
            "making sure that the parentheses are closed properly.",
            input_prefix="Input: ",
            max_tokens=5,
            max_train_instances=3,
            stop_sequences=["\n"],
        ),
        metric_specs=get_basic_metric_specs(["exact_match_indicator"]) + get_generative_harms_metric_specs(),
        groups=["dyck_language"],
    )
