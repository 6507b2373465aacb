"""natural_qa: Natural Questions, closed book or open book (Wikipedia page or long answer as the passage)."""

from holistic.run_specs.presets import (
    get_f1_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.natural_qa_scenario import check_mode
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(mode: str) -> RunSpec:
    check_mode(mode)
    return RunSpec(
        name=f"natural_qa:mode={mode}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.natural_qa_scenario.NaturalQAScenario", args={"mode": mode}
        ),
        adapter_spec=get_generation_adapter_spec(
            input_noun="Question" if mode == "closedbook" else None,
            output_noun="Answer",
            max_tokens=300,  # answers are at most 65 words
        ),
        metric_specs=get_f1_metric_specs() + get_generative_harms_metric_specs(),
        groups=[f"natural_qa_{mode}"],
    )
