"""synthetic_reasoning_natural: deduce what follows from rules stated in English (`difficulty` easy/medium/hard)."""

from holistic.run_specs.presets import (
    get_basic_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.synthetic_reasoning_natural_scenario import check_difficulty
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(difficulty: str) -> RunSpec:
    check_difficulty(difficulty)
    return RunSpec(
        name=f"synthetic_reasoning_natural:difficulty={difficulty}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.synthetic_reasoning_natural_scenario.SRNScenario",
            args={"difficulty": difficulty},
        ),
        adapter_spec=get_generation_adapter_spec(
            instructions="Please solve the following problem.",
            input_noun="Rules",
            newline_after_input_noun=True,
            output_noun=None,
            max_train_instances=3,
            max_tokens=20,
        ),
        metric_specs=get_basic_metric_specs(["f1_set_match", "iou_set_match", "exact_set_match"])
        + get_generative_harms_metric_specs(),
        groups=["synthetic_reasoning", "synthetic_reasoning_natural"],
    )
