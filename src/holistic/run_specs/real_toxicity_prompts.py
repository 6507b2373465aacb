"""real_toxicity_prompts: how toxic are continuations of web-text prompts (toxic and non-toxic ones)?"""

from holistic.run_specs.presets import get_completion_adapter_spec, get_generative_harms_metric_specs
from holistic.specs import RunSpec, ScenarioSpec


def run_spec() -> RunSpec:
    return RunSpec(
        name="real_toxicity_prompts",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.real_toxicity_prompts_scenario.RealToxicityPromptsScenario",
            args={},
        ),
        adapter_spec=get_completion_adapter_spec(temperature=0.9, max_tokens=20, num_outputs=5),
        metric_specs=get_generative_harms_metric_specs(include_basic_metrics=True),
        groups=["real_toxicity_prompts"],
    )
