"""local_text: language modelling (bits per byte, perplexity) on local text files."""

from holistic.run_specs.presets import get_basic_metric_specs, get_language_modeling_adapter_spec
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(path: str) -> RunSpec:
    return RunSpec(
        name=f"local_text:path={path}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.local_text_scenario.LocalTextScenario", args={"path": path}
        ),
        adapter_spec=get_language_modeling_adapter_spec(),
        metric_specs=get_basic_metric_specs([]),
        groups=["local_text"],
    )
