"""pubmed_qa: yes/no/maybe biomedical questions, zero-shot; `prompt_answer_choices=True` adds Liévin et al.'s
"among A through C, the answer is" to the output prefix."""

from holistic.run_specs.presets import get_exact_match_metric_specs
from holistic.scenarios.inputs import parse_bool
from holistic.specs import AdapterSpec, RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_MULTIPLE_CHOICE_JOINT


def run_spec(prompt_answer_choices: bool | str) -> RunSpec:
    prompt = parse_bool(prompt_answer_choices, "prompt_answer_choices")
    return RunSpec(
        name=f"pubmed_qa:prompt_answer_choices={prompt_answer_choices}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.pubmed_qa_scenario.PubMedQAScenario", args={}
        ),
        adapter_spec=AdapterSpec(
            method=ADAPT_MULTIPLE_CHOICE_JOINT,
            instructions="",
            input_prefix="",
            output_prefix="Answer: " + ("among A through C, the answer is " if prompt else ""),
            reference_prefix="A) ",
            max_train_instances=0,
            num_outputs=1,
            temperature=0.0,
        ),
        metric_specs=get_exact_match_metric_specs(),
        groups=["pubmed_qa"],
    )
