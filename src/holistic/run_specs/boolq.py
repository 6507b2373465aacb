"""boolq: yes/no questions about a passage; `only_contrast=True` keeps the dev questions with a contrast set."""

from holistic.run_specs.presets import (
    get_exact_match_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.inputs import parse_bool
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(only_contrast: bool | str = False) -> RunSpec:
    only_contrast = parse_bool(only_contrast, "only_contrast")
    return RunSpec(
        name="boolq" + (":only_contrast=True" if only_contrast else ""),
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.boolq_scenario.BoolQScenario",
            args={"only_contrast": only_contrast},
        ),
        adapter_spec=get_generation_adapter_spec(input_noun="Passage", output_noun="Answer"),
        metric_specs=get_exact_match_metric_specs() + get_generative_harms_metric_specs(),
        groups=["boolq"],
    )
