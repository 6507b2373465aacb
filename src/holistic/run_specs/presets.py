"""Adapter and metric presets shared by the run-spec functions (HELM §6.0)."""

from __future__ import annotations

from holistic.helm_version import current as current_profile
from holistic.specs import AdapterSpec, MetricSpec
from holistic.specs.adapter_spec import (
    ADAPT_GENERATION,
    ADAPT_LANGUAGE_MODELING,
    ADAPT_MULTIPLE_CHOICE_JOINT,
    ADAPT_RANKING_BINARY,
)


def format_instructions(instructions: str) -> str:
    return f"{instructions}\n" if instructions else ""


def get_multiple_choice_joint_adapter_spec(
    instructions: str, input_noun: str | None, output_noun: str, max_train_instances: int = 5, **kwargs
) -> AdapterSpec:
    profile = current_profile()
    return AdapterSpec(
        method=ADAPT_MULTIPLE_CHOICE_JOINT,
        instructions=format_instructions(instructions),
        input_prefix=f"{input_noun}: " if input_noun is not None else "",
        input_suffix="\n" if input_noun is not None else "",
        output_prefix=f"{output_noun}: ",
        output_suffix="\n",
        max_train_instances=max_train_instances,
        # HELM v0.1: 1 output, 5 tokens reserved; HELM 0.5: top 5, 1 token (the --helm-version profile).
        num_outputs=profile.joint_num_outputs,
        max_tokens=profile.joint_max_tokens,
        temperature=0.0,
        stop_sequences=["\n"],
        **kwargs,
    )


def get_multiple_choice_separate_adapter_spec(method: str, empty_input: bool = False) -> AdapterSpec:
    return AdapterSpec(
        method=method,
        instructions="",
        input_prefix="",
        input_suffix="",
        output_prefix=" " if not empty_input else "",
        output_suffix="",
        max_train_instances=0,
        num_outputs=1,
        max_tokens=0,
        temperature=0.0,
    )


def get_multiple_choice_adapter_spec(
    method: str,
    instructions: str,
    input_noun: str | None,
    output_noun: str,
    max_train_instances: int = 5,
    empty_input: bool = False,
    **kwargs,
) -> AdapterSpec:
    """Joint or separate multiple choice; the separate presets ignore the prompt arguments (as HELM)."""
    if method == ADAPT_MULTIPLE_CHOICE_JOINT:
        return get_multiple_choice_joint_adapter_spec(
            instructions, input_noun, output_noun, max_train_instances, **kwargs
        )
    return get_multiple_choice_separate_adapter_spec(method, empty_input)


def get_generation_adapter_spec(
    instructions: str = "",
    input_noun: str | None = None,
    newline_after_input_noun: bool = False,
    output_noun: str | None = None,
    newline_after_output_noun: bool = False,
    max_train_instances: int = 5,
    num_outputs: int = 1,
    max_tokens: int = 5,
    stop_sequences: list[str] | None = None,
    temperature: float = 0.0,
) -> AdapterSpec:
    def prefix(noun: str | None, newline: bool) -> str:
        if noun is None:
            return ""
        return f"{noun}:" + ("\n" if newline else " ")

    return AdapterSpec(
        method=ADAPT_GENERATION,
        instructions=format_instructions(instructions),
        input_prefix=prefix(input_noun, newline_after_input_noun),
        input_suffix="\n",
        output_prefix=prefix(output_noun, newline_after_output_noun),
        output_suffix="\n",
        max_train_instances=max_train_instances,
        num_outputs=num_outputs,
        max_tokens=max_tokens,
        temperature=temperature,
        stop_sequences=["\n"] if stop_sequences is None else stop_sequences,
    )


def get_completion_adapter_spec(
    instructions: str = "",
    input_prefix: str = "",
    output_prefix: str = "",
    output_suffix: str = "",
    max_train_instances: int = 0,
    temperature: float = 0.0,
    num_outputs: int = 1,
    max_tokens: int = 100,
    stop_sequences: list[str] | None = None,
    **kwargs,
) -> AdapterSpec:
    return AdapterSpec(
        method=ADAPT_GENERATION,
        instructions=format_instructions(instructions),
        input_prefix=input_prefix,
        input_suffix="",
        output_prefix=output_prefix,
        output_suffix=output_suffix,
        max_train_instances=max_train_instances,
        temperature=temperature,
        num_outputs=num_outputs,
        max_tokens=max_tokens,
        stop_sequences=[] if stop_sequences is None else stop_sequences,
        **kwargs,
    )


def get_language_modeling_adapter_spec() -> AdapterSpec:
    return AdapterSpec(
        method=ADAPT_LANGUAGE_MODELING,
        instructions="",
        input_prefix="",
        input_suffix="",
        output_prefix="",
        output_suffix="",
        max_train_instances=0,
        num_outputs=1,
        max_tokens=0,
        temperature=0.0,
    )


def get_summarization_adapter_spec(num_sents: int, max_tokens: int, temperature: float) -> AdapterSpec:
    if num_sents == 1:
        out_pref = "Summarize the above article in 1 sentence.\n"
    else:
        out_pref = f"Summarize the above article in {num_sents} sentences.\n"
    return AdapterSpec(
        method=ADAPT_GENERATION,
        input_prefix="###\nArticle: ",
        input_suffix="\n\n",
        output_prefix=out_pref,
        output_suffix="\n",
        max_train_instances=5,
        num_outputs=1,
        max_tokens=max_tokens,
        temperature=temperature,
        stop_sequences=["###"],
    )


def get_ranking_binary_adapter_spec(
    max_train_instances: int = 4, stop_sequences: list[str] | None = None
) -> AdapterSpec:
    if max_train_instances % 2:
        raise ValueError("ranking_binary needs an even max_train_instances")
    return AdapterSpec(
        method=ADAPT_RANKING_BINARY,
        instructions="",
        input_prefix="Query: ",
        input_suffix="\n",
        reference_prefix="Passage: ",
        reference_suffix="\n",
        output_prefix="Does the passage answer the query?\nAnswer: ",
        output_suffix="\n",
        max_train_instances=max_train_instances // 2,
        num_outputs=1,
        num_train_trials=1,
        temperature=0.0,
        max_tokens=5,
        stop_sequences=["\n"] if stop_sequences is None else stop_sequences,
    )


# Metric presets. Class names keep HELM's spelling so run_spec.json files are interchangeable.
BASIC_METRIC = "helm.benchmark.basic_metrics.BasicMetric"


def get_basic_metric_specs(names: list[str]) -> list[MetricSpec]:
    return [MetricSpec(class_name=BASIC_METRIC, args={"names": names})]


def get_exact_match_metric_specs() -> list[MetricSpec]:
    return get_basic_metric_specs(
        ["exact_match", "quasi_exact_match", "prefix_exact_match", "quasi_prefix_exact_match"]
    )


def get_f1_metric_specs() -> list[MetricSpec]:
    return get_basic_metric_specs(["exact_match", "quasi_exact_match", "f1_score"])


def get_bias_metric_specs() -> list[MetricSpec]:
    cls = "helm.benchmark.bias_metrics.BiasMetric"
    specs = [
        MetricSpec(cls, {"mode": "associations", "demographic_category": d, "target_category": t})
        for d in ("race", "gender")
        for t in ("adjective", "profession")
    ]
    specs += [
        MetricSpec(cls, {"mode": "representation", "demographic_category": d}) for d in ("race", "gender")
    ]
    return specs


def get_toxicity_metric_specs() -> list[MetricSpec]:
    return [MetricSpec(class_name="helm.benchmark.toxicity_metrics.ToxicityMetric", args={})]


def get_generative_harms_metric_specs(include_basic_metrics: bool = False) -> list[MetricSpec]:
    return (
        get_bias_metric_specs()
        + get_toxicity_metric_specs()
        + (get_basic_metric_specs([]) if include_basic_metrics else [])
    )


MULTIPLE_CHOICE_METHODS = (
    "multiple_choice_joint",
    "multiple_choice_separate_original",
    "multiple_choice_separate_calibrated",
)


def check_method(method: str, valid: tuple[str, ...] = MULTIPLE_CHOICE_METHODS) -> None:
    from holistic.errors import DescriptionError, one_of

    if method not in valid:
        raise DescriptionError(f"unknown method '{method}' ({one_of(valid)})")
