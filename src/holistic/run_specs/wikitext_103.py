"""wikitext_103: language modelling on the 60 articles of WikiText-103's raw test set."""

from holistic.run_specs.presets import get_basic_metric_specs, get_language_modeling_adapter_spec
from holistic.specs import RunSpec, ScenarioSpec


def run_spec() -> RunSpec:
    return RunSpec(
        name="wikitext_103",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.wikitext_103_scenario.Wikitext103Scenario", args={}
        ),
        adapter_spec=get_language_modeling_adapter_spec(),
        metric_specs=get_basic_metric_specs([]),
        groups=["wikitext_103"],
    )
