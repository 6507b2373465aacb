"""truthful_qa: pick the true answer (`task=mc_single`); `method=` switches joint and separate."""

from holistic.run_specs.presets import (
    check_method,
    get_exact_match_metric_specs,
    get_multiple_choice_adapter_spec,
)
from holistic.scenarios.truthful_qa_scenario import check_task
from holistic.specs import RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_MULTIPLE_CHOICE_JOINT


def run_spec(task: str, method: str = ADAPT_MULTIPLE_CHOICE_JOINT) -> RunSpec:
    check_task(task)
    check_method(method)
    return RunSpec(
        name=f"truthful_qa:task={task},method={method}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.truthful_qa_scenario.TruthfulQAScenario", args={"task": task}
        ),
        adapter_spec=get_multiple_choice_adapter_spec(
            method=method, instructions="", input_noun="Question", output_noun="Answer"
        ),
        metric_specs=get_exact_match_metric_specs(),
        groups=["truthful_qa"],
    )
