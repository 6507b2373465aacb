"""raft: RAFT few-shot classification (`subset=<one of 11>`), instructions from RAFT's prompt settings."""

from holistic.run_specs.presets import (
    get_exact_match_metric_specs,
    get_generation_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.raft_scenario import check_subset, get_raft_instructions
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(subset: str) -> RunSpec:
    check_subset(subset)
    return RunSpec(
        name=f"raft:subset={subset}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.raft_scenario.RAFTScenario", args={"subset": subset}
        ),
        adapter_spec=get_generation_adapter_spec(
            instructions=get_raft_instructions(subset), input_noun=None, output_noun="Label", max_tokens=30
        ),
        metric_specs=get_exact_match_metric_specs() + get_generative_harms_metric_specs(),
        groups=["raft"],
    )
