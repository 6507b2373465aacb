"""numeracy: impute a polynomial's value from 100 example points (`relation_type`, `mode`, `seed`)."""

from holistic.run_specs.presets import get_basic_metric_specs
from holistic.scenarios.inputs import parse_bool
from holistic.scenarios.numeracy_scenario import RELATION_TYPES, check_arguments, dataset_header
from holistic.specs import AdapterSpec, MetricSpec, RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_GENERATION


def run_spec(
    relation_type: str = "linear", mode: str = "function", seed: str = "0", run_solver: str = "False"
) -> RunSpec:
    check_arguments(relation_type, mode)
    solver = parse_bool(run_solver, "run_solver")
    try:
        random_seed = int(seed)
    except ValueError:
        from holistic.errors import DescriptionError

        raise DescriptionError(f"numeracy seed must be an integer, not '{seed}'") from None
    num_variables = RELATION_TYPES[relation_type].num_variables
    if mode == "function":
        # One freshly sampled polynomial per eval instance, its points already in the input.
        layout = {
            "instructions": "",
            "max_train_instances": 0,
            "max_eval_instances": 1000,
            "instance_prefix": "\n\n",
        }
    else:
        layout = {
            "instructions": dataset_header(num_variables),
            "max_train_instances": 100,
            "max_eval_instances": 100,
            "instance_prefix": "\n",
        }
    metric_specs = get_basic_metric_specs(["exact_match", "quasi_exact_match", "absolute_value_difference"])
    if solver:  # the geometric distances are slow (symbolic solving in HELM), hence opt-in
        metric_specs.append(MetricSpec(class_name="helm.benchmark.numeracy_metrics.DistanceMetric", args={}))
    return RunSpec(
        name=f"numeracy:relation_type={relation_type},mode={mode}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.numeracy_scenario.NumeracyScenario",
            args={"seed": random_seed, "relation_type": relation_type, "mode": mode},
        ),
        adapter_spec=AdapterSpec(
            method=ADAPT_GENERATION,
            num_outputs=1,
            num_train_trials=1,
            model="openai/davinci",
            temperature=0,
            stop_sequences=["\n"],
            max_tokens=20,
            input_prefix="",
            output_prefix=", ",
            **layout,
        ),
        metric_specs=metric_specs,
        groups=["numeracy"],
    )
