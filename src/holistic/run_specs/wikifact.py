"""wikifact: fact completion for one Wikidata relation; `k` completions are sampled (accuracy@k)."""

from holistic.errors import DescriptionError
from holistic.run_specs.presets import (
    get_completion_adapter_spec,
    get_exact_match_metric_specs,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.wikifact_scenario import check_subject
from holistic.specs import RunSpec, ScenarioSpec


def run_spec(k: str, subject: str) -> RunSpec:
    check_subject(subject)
    try:
        num_outputs = int(k)
    except ValueError:
        num_outputs = 0
    if num_outputs < 1:
        raise DescriptionError(
            f"wikifact k must be a positive integer (the number of completions), not '{k}'"
        )
    adapter_spec = get_completion_adapter_spec(
        output_prefix=" ",  # subject and predicate, then a space before the object
        output_suffix="\n",
        max_train_instances=5,
        num_outputs=num_outputs,
        temperature=1.0,  # sampled, so that the k completions differ
        max_tokens=8,
        stop_sequences=["\n"],
    )
    return RunSpec(
        name=f"wikifact:k={k},subject={subject}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.wikifact_scenario.WIKIFactScenario",
            args={"subject": subject},
        ),
        adapter_spec=adapter_spec,
        metric_specs=get_exact_match_metric_specs() + get_generative_harms_metric_specs(),
        groups=["wikifact"],
    )
