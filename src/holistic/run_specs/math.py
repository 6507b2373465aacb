"""math: MATH competition problems of one subject and level, 8-shot; optionally with worked solutions."""

from holistic.run_specs.presets import get_basic_metric_specs, get_generative_harms_metric_specs
from holistic.scenarios.inputs import parse_bool
from holistic.scenarios.math_scenario import MATHScenario
from holistic.specs import AdapterSpec, RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_GENERATION


def run_spec(
    subject: str, level: str, use_official_examples: str = "False", use_chain_of_thought: str = "False"
) -> RunSpec:
    official = parse_bool(use_official_examples, "use_official_examples")
    chain_of_thought = parse_bool(use_chain_of_thought, "use_chain_of_thought")
    MATHScenario(subject, level, official, chain_of_thought)  # argument checks, one-line errors
    if chain_of_thought:
        output = {
            "output_prefix": "Answer: ",
            "output_suffix": "\n",
            "max_tokens": 400,
            "stop_sequences": ["###"],
        }
    else:
        output = {
            "output_prefix": "Answer: $",
            "output_suffix": "$\n",
            "max_tokens": 20,
            "stop_sequences": ["$"],
        }
    return RunSpec(
        name=f"math:subject={subject},level={level},"
        f"use_official_examples={official},use_chain_of_thought={chain_of_thought}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.math_scenario.MATHScenario",
            args={
                "subject": subject,
                "level": level,
                "use_official_examples": official,
                "use_chain_of_thought": chain_of_thought,
            },
        ),
        adapter_spec=AdapterSpec(
            method=ADAPT_GENERATION,
            instructions="Given a mathematics problem, determine the answer. Simplify your answer as much as possible.\n",
            input_prefix="Problem: ",
            input_suffix="\n",
            instance_prefix="###\n",
            max_train_instances=8,
            num_outputs=1,
            temperature=0.0,
            **output,
        ),
        metric_specs=get_basic_metric_specs(
            ["math_equiv_chain_of_thought" if chain_of_thought else "math_equiv"]
        )
        + get_generative_harms_metric_specs(),
        groups=["math_chain_of_thought" if chain_of_thought else "math_regular"],
    )
