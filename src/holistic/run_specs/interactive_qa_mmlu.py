"""interactive_qa_mmlu: MMLU's InteractiveQA subset (five subjects), joint multiple choice."""

from holistic.run_specs.presets import get_exact_match_metric_specs, get_multiple_choice_joint_adapter_spec
from holistic.scenarios.interactive_qa_mmlu_scenario import check_subject
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(subject: str) -> RunSpec:
    check_subject(subject)
    return RunSpec(
        name=f"interactive_qa_mmlu:subject={subject}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.interactive_qa_mmlu_scenario.InteractiveQAMMLUScenario",
            args={"subject": subject},
        ),
        adapter_spec=get_multiple_choice_joint_adapter_spec(
            instructions=f"The following are multiple choice questions (with answers) about {subject.replace('_', ' ')}.",
            input_noun="Question",
            output_noun="Answer",
        ),
        metric_specs=get_exact_match_metric_specs(),
        groups=["mmlu"],
    )
