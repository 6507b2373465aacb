"""narrative_qa: answer questions about a story summary (NarrativeQA)."""

from holistic.run_specs.presets import (
    get_basic_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.specs import RunSpec, ScenarioSpec


def run_spec() -> RunSpec:
    return RunSpec(
        name="narrative_qa",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.narrativeqa_scenario.NarrativeQAScenario", args={}
        ),
        adapter_spec=get_generation_adapter_spec(input_noun="Passage", output_noun="Answer", max_tokens=100),
        metric_specs=get_basic_metric_specs(
            ["exact_match", "quasi_exact_match", "f1_score", "rouge_l", "bleu_1", "bleu_4"]
        )
        + get_generative_harms_metric_specs(),
        groups=["narrative_qa"],
    )
