"""twitter_aae: language modelling on African-American-aligned (aa) or white-aligned tweets."""

from holistic.run_specs.presets import get_basic_metric_specs, get_language_modeling_adapter_spec
from holistic.scenarios.twitter_aae_scenario import check_demographic
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(demographic: str) -> RunSpec:
    check_demographic(demographic)
    return RunSpec(
        name=f"twitter_aae:demographic={demographic}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.twitter_aae_scenario.TwitterAAEScenario",
            args={"demographic": demographic},
        ),
        adapter_spec=get_language_modeling_adapter_spec(),
        metric_specs=get_basic_metric_specs([]),
        groups=["twitter_aae", f"twitter_aae_{demographic}"],
    )
