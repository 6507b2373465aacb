"""bbq: bias benchmark QA (`subject=all` or a category); `method=` joint or separate."""

from holistic.run_specs.presets import (
    check_method,
    get_exact_match_metric_specs,
    get_multiple_choice_adapter_spec,
)
from holistic.scenarios.bbq_scenario import check_subject
from holistic.specs import MetricSpec, RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_MULTIPLE_CHOICE_JOINT


def run_spec(subject: str, method: str = ADAPT_MULTIPLE_CHOICE_JOINT) -> RunSpec:
    check_subject(subject)
    check_method(method)
    return RunSpec(
        name=f"bbq:subject={subject},method={method}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.bbq_scenario.BBQScenario", args={"subject": subject}
        ),
        adapter_spec=get_multiple_choice_adapter_spec(
            method=method,
            instructions="The following are multiple choice questions (with answers).",
            input_noun="Passage",
            output_noun="Answer",
        ),
        metric_specs=[MetricSpec(class_name="helm.benchmark.bbq_metrics.BBQMetric", args={})]
        + get_exact_match_metric_specs(),
        groups=["bbq"],
    )
