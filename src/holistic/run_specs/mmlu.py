"""mmlu: four-choice questions by subject; `method=` switches joint and separate multiple choice."""

from holistic.run_specs.presets import get_exact_match_metric_specs, get_multiple_choice_adapter_spec
from holistic.scenarios.mmlu_scenario import check_subject
from holistic.specs import RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_MULTIPLE_CHOICE_JOINT


def run_spec(subject: str, method: str = ADAPT_MULTIPLE_CHOICE_JOINT) -> RunSpec:
    from holistic.run_specs.presets import check_method

    check_subject(subject)
    check_method(method)
    adapter_spec = get_multiple_choice_adapter_spec(
        method=method,
        instructions=f"The following are multiple choice questions (with answers) about {subject.replace('_', ' ')}.",
        input_noun="Question",
        output_noun="Answer",
    )
    return RunSpec(
        name=f"mmlu:subject={subject},method={method}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.mmlu_scenario.MMLUScenario", args={"subject": subject}
        ),
        adapter_spec=adapter_spec,
        metric_specs=get_exact_match_metric_specs(),
        groups=["mmlu"],
    )
