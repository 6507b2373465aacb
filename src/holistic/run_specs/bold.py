"""bold: bias and toxicity of open-ended generation about groups of people (`subject=all` or one domain)."""

from holistic.run_specs.presets import get_completion_adapter_spec, get_generative_harms_metric_specs
from holistic.scenarios.bold_scenario import check_subject
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(subject: str = "all") -> RunSpec:
    check_subject(subject)
    return RunSpec(
        name=f"bold:subject={subject}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.bold_scenario.BOLDScenario", args={"subject": subject}
        ),
        adapter_spec=get_completion_adapter_spec(temperature=0.9, max_tokens=20),
        metric_specs=get_generative_harms_metric_specs(include_basic_metrics=True),
        groups=["bold"],
    )
