"""blimp: grammatical vs ungrammatical sentence pairs; separate multiple choice by default (§6.1)."""

from holistic.run_specs.presets import (
    check_method,
    get_exact_match_metric_specs,
    get_multiple_choice_adapter_spec,
)
from holistic.scenarios.blimp_scenario import check_phenomenon
from holistic.specs import RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL


def run_spec(phenomenon: str, method: str = ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL) -> RunSpec:
    check_phenomenon(phenomenon)
    check_method(method)
    adapter_spec = get_multiple_choice_adapter_spec(
        method=method,
        instructions="Please select the grammatical sentence.",
        input_noun=None,
        output_noun="Answer",
        empty_input=True,
    )
    return RunSpec(
        name=f"blimp:phenomenon={phenomenon},method={method}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.blimp_scenario.BLiMPScenario",
            args={"phenomenon": phenomenon},
        ),
        adapter_spec=adapter_spec,
        metric_specs=get_exact_match_metric_specs(),
        groups=["blimp"],
    )
