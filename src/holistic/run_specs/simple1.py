"""simple1: the debug scenario with HELM's adapter settings."""

from holistic.run_specs.presets import get_basic_metric_specs
from holistic.specs import AdapterSpec, RunSpec, ScenarioSpec


def run_spec() -> RunSpec:
    return RunSpec(
        name="simple1",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.simple_scenarios.Simple1Scenario",
            args={
                "num_input_tokens": 5,
                "vocab_size": 20,
                "num_train_instances": 10,
                "num_test_instances": 10,
            },
        ),
        adapter_spec=AdapterSpec(
            method="generation",
            instructions="Please solve the following problem.\n",
            max_train_instances=5,
            max_eval_instances=10,
            num_outputs=3,
            num_train_trials=3,
            model="simple/model1",
            temperature=1,
            stop_sequences=["."],
        ),
        metric_specs=get_basic_metric_specs([]),
        groups=[],
    )
