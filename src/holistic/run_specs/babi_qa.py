"""babi_qa: bAbI reasoning questions over a story; `task=all` or 1..20."""

from holistic.run_specs.presets import get_exact_match_metric_specs, get_generation_adapter_spec
from holistic.scenarios.babi_qa_scenario import parse_tasks
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(task: str | int = "all") -> RunSpec:
    parse_tasks(task)
    return RunSpec(
        name=f"babi_qa:task={task}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.babi_qa_scenario.BabiQAScenario", args={"task": task}
        ),
        adapter_spec=get_generation_adapter_spec(input_noun="Passage", output_noun="Answer"),
        metric_specs=get_exact_match_metric_specs(),
        groups=["babi_qa"],
    )
