"""gsm: GSM8K word problems, 5-shot with worked solutions; scored on the final number."""

from holistic.run_specs.presets import (
    get_basic_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.specs import RunSpec, ScenarioSpec


def run_spec() -> RunSpec:
    return RunSpec(
        name="gsm",
        scenario_spec=ScenarioSpec(class_name="helm.benchmark.scenarios.gsm_scenario.GSM8KScenario", args={}),
        adapter_spec=get_generation_adapter_spec(
            input_noun="Q", output_noun="A", max_train_instances=5, max_tokens=400, stop_sequences=["\n\n"]
        ),
        metric_specs=get_basic_metric_specs(["exact_match_indicator"]) + get_generative_harms_metric_specs(),
        groups=["gsm"],
    )
