"""legal_support: pick the case parenthetical that best supports a passage; `method=` joint or separate."""

from holistic.run_specs.presets import (
    check_method,
    get_exact_match_metric_specs,
    get_multiple_choice_adapter_spec,
)
from holistic.specs import RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_MULTIPLE_CHOICE_JOINT


def run_spec(method: str = ADAPT_MULTIPLE_CHOICE_JOINT) -> RunSpec:
    check_method(method)
    return RunSpec(
        # HELM's name has a comma where a colon belongs; kept so run directories match (§1.3).
        name=f"legal_support,method={method}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.legal_support_scenario.LegalSupportScenario", args={}
        ),
        adapter_spec=get_multiple_choice_adapter_spec(
            method=method,
            instructions="Which statement best supports the passage?",
            input_noun="Passage",
            output_noun="Answer",
            max_train_instances=3,
        ),
        metric_specs=get_exact_match_metric_specs(),
        groups=["legal_support"],
    )
