"""civil_comments: toxicity classification of comments, all or those about one demographic."""

from holistic.run_specs.presets import (
    get_exact_match_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.civil_comments_scenario import check_demographic
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(demographic: str) -> RunSpec:
    check_demographic(demographic)
    return RunSpec(
        name=f"civil_comments:demographic={demographic}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.civil_comments_scenario.CivilCommentsScenario",
            args={"demographic": demographic},
        ),
        adapter_spec=get_generation_adapter_spec(input_noun="Passage", output_noun="Answer"),
        metric_specs=get_exact_match_metric_specs() + get_generative_harms_metric_specs(),
        groups=["civil_comments"],
    )
