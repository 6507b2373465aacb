"""empatheticdialogues: continue a conversation about an emotional situation (5-shot, sampled)."""

from holistic.run_specs.presets import get_exact_match_metric_specs, get_generative_harms_metric_specs
from holistic.specs import AdapterSpec, RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_GENERATION


def run_spec() -> RunSpec:
    return RunSpec(
        name="empatheticdialogues",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.dialogue_scenarios.EmpatheticDialoguesScenario", args={}
        ),
        adapter_spec=AdapterSpec(
            method=ADAPT_GENERATION,
            input_prefix="",
            output_prefix="BEGIN DIALOGUE\n",
            max_train_instances=5,
            num_outputs=1,
            max_tokens=50,
            temperature=0.9,
        ),
        metric_specs=get_exact_match_metric_specs() + get_generative_harms_metric_specs(),
        groups=[],
    )
