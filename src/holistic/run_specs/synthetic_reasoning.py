"""synthetic_reasoning: pattern matching, variable substitution and induction over symbol patterns."""

from holistic.run_specs.presets import (
    get_exact_match_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.synthetic_reasoning_scenario import MODES
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(mode: str) -> RunSpec:
    from holistic.errors import DescriptionError, one_of

    if mode not in MODES:
        raise DescriptionError(f"unknown synthetic_reasoning mode '{mode}' ({one_of(MODES)})")
    return RunSpec(
        name=f"synthetic_reasoning:mode={mode}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.synthetic_reasoning_scenario.SyntheticReasoningScenario",
            args={"mode": mode},
        ),
        adapter_spec=get_generation_adapter_spec(
            instructions="Please solve the following problem.",
            output_noun="Target",
            max_train_instances=5,
            max_tokens=50,
        ),
        metric_specs=get_exact_match_metric_specs() + get_generative_harms_metric_specs(),
        groups=["synthetic_reasoning", f"synthetic_reasoning_{mode}"],
    )
