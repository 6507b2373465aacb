"""quac: answer the next question of a dialogue about a Wikipedia section (QuAC)."""

from holistic.run_specs.presets import (
    get_f1_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.specs import RunSpec, ScenarioSpec


def run_spec() -> RunSpec:
    return RunSpec(
        name="quac",
        scenario_spec=ScenarioSpec(class_name="helm.benchmark.scenarios.quac_scenario.QuACScenario", args={}),
        adapter_spec=get_generation_adapter_spec(input_noun=None, output_noun="Answer", max_tokens=100),
        metric_specs=get_f1_metric_specs() + get_generative_harms_metric_specs(),
        groups=["quac"],
    )
