"""The three summarization keys share one RunSpec shape (§6.1): SUMM adapter, SummarizationMetric + harms."""

from holistic.errors import DescriptionError
from holistic.run_specs.presets import (
    get_basic_metric_specs,
    get_generative_harms_metric_specs,
    get_summarization_adapter_spec,
)
from holistic.specs import MetricSpec, RunSpec, ScenarioSpec

SUMMARIZATION_METRIC = "helm.benchmark.summarization_metrics.SummarizationMetric"


def summarization_run_spec(
    key: str, dataset_name: str, num_sents: int, max_tokens: int, temperature: str, device: str
) -> RunSpec:
    try:
        temperature_value = float(temperature)
    except ValueError:
        temperature_value = -1.0
    if not temperature_value >= 0:
        raise DescriptionError(f"{key} temperature must be a number >= 0, not '{temperature}'")
    if not device:
        raise DescriptionError(f"{key} device must name a torch device such as cpu or cuda, not ''")
    return RunSpec(
        # HELM 0.1 names summarization_xsum_sampled runs `summarization_xsum:...`, so they overwrite xsum's
        # run directory; each key names its own runs here (docs/compatibility.md).
        name=f"{key}:temperature={temperature},device={device}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.summarization_scenario.SummarizationScenario",
            args={
                "dataset_name": dataset_name,
                "sampling_min_length": 50,
                "sampling_max_length": 150,
                "doc_max_length": 512,
            },
        ),
        adapter_spec=get_summarization_adapter_spec(num_sents, max_tokens, temperature_value),
        metric_specs=[MetricSpec(class_name=SUMMARIZATION_METRIC, args={"task": key, "device": device})]
        + get_basic_metric_specs([])
        + get_generative_harms_metric_specs(),
        groups=[key if key != "summarization_xsum_sampled" else "summarization_xsum"],
    )
