"""code: HumanEval (`dataset=humaneval`) or APPS (`dataset=apps`); model-written code runs in the sandbox."""

from holistic.errors import DescriptionError, one_of
from holistic.run_specs.presets import (
    get_basic_metric_specs,
    get_completion_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.code_scenario import DATASETS
from holistic.specs import MetricSpec, RunSpec, ScenarioSpec


def _timeout(value: float | str) -> float | int:
    try:
        number = float(value)
    except ValueError:
        raise DescriptionError(
            f"timeout must be a number of seconds, not '{value}' (e.g. timeout=3)"
        ) from None
    if number <= 0:
        raise DescriptionError(f"timeout must be positive, not '{value}' (e.g. timeout=3)")
    return int(number) if number.is_integer() else number


def run_spec(dataset: str, timeout: float | str = 3) -> RunSpec:
    """`timeout` (seconds per APPS program) trades accuracy for time; HumanEval always uses 3 s."""
    if dataset not in DATASETS:
        raise DescriptionError(f"unknown code dataset '{dataset}' ({one_of(DATASETS, dataset)})")
    if dataset == "humaneval":
        adapter_spec = get_completion_adapter_spec(
            temperature=0.2, stop_sequences=["\nclass", "\ndef", "\nif", "\nprint"], max_tokens=600
        )
        metric_specs = get_basic_metric_specs(["code_eval_acc", "pass"])
    else:
        adapter_spec = get_completion_adapter_spec(
            max_train_instances=2,
            temperature=0.2,
            stop_sequences=["'''", "---", '"""', "\n\n\n"],
            max_tokens=600,
        )
        metric_specs = [
            MetricSpec(
                class_name="helm.benchmark.code_metrics.APPSMetric",
                args={"names": ["test_avg", "strict_acc"], "timeout": _timeout(timeout)},
            )
        ]
    return RunSpec(
        name=f"code:dataset={dataset}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.code_scenario.CodeScenario", args={"dataset": dataset}
        ),
        adapter_spec=adapter_spec,
        metric_specs=metric_specs + get_generative_harms_metric_specs(),
        groups=[f"code_{dataset}"],
    )
