"""imdb: review sentiment; `only_contrast=True` keeps the eval reviews that have a contrast version."""

from holistic.run_specs.presets import get_exact_match_metric_specs, get_generation_adapter_spec
from holistic.scenarios.inputs import parse_bool
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(only_contrast: bool | str = False) -> RunSpec:
    only_contrast = parse_bool(only_contrast, "only_contrast")
    return RunSpec(
        name="imdb" + (":only_contrast=True" if only_contrast else ""),
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.imdb_scenario.IMDBScenario",
            args={"only_contrast": only_contrast},
        ),
        adapter_spec=get_generation_adapter_spec(input_noun="Passage", output_noun="Sentiment"),
        metric_specs=get_exact_match_metric_specs(),
        groups=["imdb"],
    )
