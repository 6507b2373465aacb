"""news_qa: answer questions about CNN articles (NewsQA; the data must be placed by hand)."""

from holistic.run_specs.presets import (
    get_f1_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.specs import RunSpec, ScenarioSpec


def run_spec() -> RunSpec:
    return RunSpec(
        name="news_qa",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.newsqa_scenario.NewsQAScenario", args={}
        ),
        # Answers are at most 13 words.
        adapter_spec=get_generation_adapter_spec(input_noun="Passage", output_noun="Answer", max_tokens=50),
        metric_specs=get_f1_metric_specs() + get_generative_harms_metric_specs(),
        groups=["news_qa"],
    )
