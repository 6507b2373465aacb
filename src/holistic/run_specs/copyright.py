"""copyright: does the model reproduce a protected book or source file from its beginning?

`datatag=` picks the data file (text tags such as `pilot`, `popular_books-prefix_length_125.json`, or code
tags such as `prompt_num_line_10-min_lines_20.json`); the copyright metrics compare the completion with the
true continuation.
"""

from holistic.errors import DescriptionError
from holistic.run_specs.presets import (
    get_basic_metric_specs,
    get_completion_adapter_spec,
    get_generative_harms_metric_specs,
)
from holistic.scenarios.copyright_scenario import CODE_DATATAGS, check_datatag
from holistic.scenarios.inputs import parse_bool
from holistic.specs import MetricSpec, RunSpec, ScenarioSpec

COPYRIGHT_METRIC = "helm.benchmark.copyright_metrics.BasicCopyrightMetric"
COPYRIGHT_MEASURES = ("longest_common_prefix_length", "edit_distance", "edit_similarity")


def parse_number(value: object, name: str, kind: type = float) -> float:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise DescriptionError(f"{name} must be a {kind.__name__} number, not '{value}'") from None
    if number < 0:
        raise DescriptionError(f"{name} must not be negative, not '{value}'")
    return number


def get_copyright_metric_specs(args: dict) -> list[MetricSpec]:
    return [
        MetricSpec(class_name=COPYRIGHT_METRIC, args={**args, "name": name}) for name in COPYRIGHT_MEASURES
    ] + get_basic_metric_specs([])


def run_spec(
    datatag: str = "pilot",
    temperature: float | str = 0.2,
    max_tokens: int | str = 1024,
    num_outputs: int = 1,
    normalize_by_prefix_length: bool | str = True,
    normalize_newline_space_tab: bool | str = False,
) -> RunSpec:
    check_datatag(datatag)
    adapter_spec = get_completion_adapter_spec(
        temperature=parse_number(temperature, "temperature"),
        max_tokens=int(parse_number(max_tokens, "max_tokens", int)),
        num_outputs=num_outputs,
    )
    metric_args = {
        "normalize_by_prefix_length": parse_bool(normalize_by_prefix_length, "normalize_by_prefix_length"),
        "normalize_newline_space_tab": parse_bool(normalize_newline_space_tab, "normalize_newline_space_tab"),
    }
    return RunSpec(
        name=f"copyright:datatag={datatag}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.copyright_scenario.CopyrightScenario",
            args={"datatag": datatag},
        ),
        adapter_spec=adapter_spec,
        metric_specs=get_copyright_metric_specs(metric_args) + get_generative_harms_metric_specs(),
        groups=["copyright_code" if datatag in CODE_DATATAGS else "copyright_text"],
    )
