"""big_bench: any BIG-bench JSON task (`task=`, `subtask=`); adapter and metrics follow its task.json."""

from holistic.run_specs._data_context import current_data_mirror, scenario_data_path
from holistic.run_specs.presets import get_basic_metric_specs, get_exact_match_metric_specs
from holistic.scenarios.big_bench_scenario import BIGBenchScenario, download_and_get_task
from holistic.specs import AdapterSpec, MetricSpec, RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_GENERATION, ADAPT_MULTIPLE_CHOICE_JOINT

# BIG-bench metric -> BasicMetric names; other BIG-bench metrics have no counterpart and are left out.
METRIC_NAMES = {
    "exact_str_match": ["exact_match", "quasi_exact_match"],
    "bleu": ["bleu_1", "bleu_4"],
    "rouge": ["rouge_1", "rouge_2", "rouge_l"],
}


def get_metric_specs(big_bench_metrics: list[str]) -> list[MetricSpec]:
    if "multiple_choice_grade" in big_bench_metrics:
        return get_exact_match_metric_specs()
    names: list[str] = []
    for metric in big_bench_metrics:
        names += [n for n in METRIC_NAMES.get(metric, []) if n not in names]
    return get_basic_metric_specs(names)


def run_spec(task: str, subtask: str = "") -> RunSpec:
    subtask = "" if subtask is None else str(subtask)
    definition = download_and_get_task(
        scenario_data_path(BIGBenchScenario.name), task, subtask, current_data_mirror()
    )
    metrics = definition["metrics"]
    stop = definition.get("stop_string")
    return RunSpec(
        name=f"big_bench:task={task}" + (f",subtask={subtask}" if subtask else ""),
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.big_bench_scenario.BIGBenchScenario",
            args={"task": task, "subtask": subtask},
        ),
        adapter_spec=AdapterSpec(
            method=ADAPT_MULTIPLE_CHOICE_JOINT if "multiple_choice_grade" in metrics else ADAPT_GENERATION,
            model="openai/text-curie-001",  # HELM's default; the model= expander replaces it
            max_train_instances=0,
            num_outputs=1,
            max_tokens=64,  # the BIG-bench paper's output length
            temperature=0,
            instructions=definition.get("task_prefix", ""),
            input_prefix=definition.get("example_input_prefix", "Question: "),
            output_prefix=definition.get("example_output_prefix", "Answer: "),
            stop_sequences=[str(stop)] if stop else [],
        ),
        metric_specs=get_metric_specs(metrics),
        groups=["BIG-bench"],
    )
