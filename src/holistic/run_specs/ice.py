"""ice: language modelling on the International Corpus of English (restricted data, placed by hand)."""

from holistic.run_specs.presets import get_basic_metric_specs, get_language_modeling_adapter_spec
from holistic.scenarios.ice_scenario import ICEScenario
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(subset: str | None = None, gender: str | None = None, category: str | None = None) -> RunSpec:
    args = {
        k: v for k, v in {"subset": subset, "gender": gender, "category": category}.items() if v is not None
    }
    ICEScenario(**args)  # validates the arguments now, with one-line errors
    return RunSpec(
        # HELM: `ice`, then the given arguments sorted by name (`ice:gender=female,subset=ind`).
        name="ice" + (":" + ",".join(f"{k}={v}" for k, v in sorted(args.items())) if args else ""),
        scenario_spec=ScenarioSpec(class_name="helm.benchmark.scenarios.ice_scenario.ICEScenario", args=args),
        adapter_spec=get_language_modeling_adapter_spec(),
        metric_specs=get_basic_metric_specs([]),
        groups=["ice"],
    )
