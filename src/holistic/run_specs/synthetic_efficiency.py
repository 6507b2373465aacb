"""synthetic_efficiency: runtime against prompt and output length; use with the `tokenizer`,
`num_prompt_tokens` and `num_output_tokens` run expanders."""

from holistic.run_specs.presets import (
    get_basic_metric_specs,
    get_completion_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(random: str | None = None) -> RunSpec:
    return RunSpec(
        name=f"synthetic_efficiency:random={random}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.synthetic_efficiency_scenario.SyntheticEfficiencyScenario",
            # The expanders fill in num_prompt_tokens and tokenizer.
            args={"num_prompt_tokens": None, "num_instances": 10, "tokenizer": None},
        ),
        adapter_spec=get_completion_adapter_spec(random=random),
        metric_specs=get_basic_metric_specs(["exact_match"]) + get_generative_harms_metric_specs(),
        groups=["synthetic_efficiency"],
    )
