"""Run expanders (§2): description keys that turn one RunSpec into several, or tweak its AdapterSpec.

HELM v0.1.0 has 13 expanders; holistic adds `max_tokens` (sets AdapterSpec.max_tokens), so the 14 names
users know all work. Values are validated when the expander is built, before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from holistic.errors import DescriptionError, UnknownNameError, one_of
from holistic.specs.adapter_spec import Substitution
from holistic.specs.object_spec import DataAugmenterSpec, PerturbationSpec
from holistic.specs.run_spec import RunSpec

EXPERT_INSTRUCTIONS = "I am an expert AI assistant who is here to help you with the following. "

PROMPT_VALUES: dict[str, dict[str, Any]] = {
    "human_assistant": {
        "input_prefix": 'Human: What is the answer to "',
        "input_suffix": '"?\n',
        "output_prefix": 'Assistant: The answer is "',
        "output_suffix": '".\n',
        "stop_sequences": ['".'],
    },
    "question_answer": {"input_prefix": "Question: ", "output_prefix": "Answer: "},
    "qa": {"input_prefix": "Q: ", "output_prefix": "A: "},
    "input_output_html": {
        "input_prefix": "<input>",
        "input_suffix": "</input>\n",
        "output_prefix": "<output>",
        "output_suffix": "</output>\n",
    },
    "input_output": {"input_prefix": "Input: ", "output_prefix": "Output: "},
    "i_o": {"input_prefix": "I: ", "output_prefix": "O: "},
}
NEWLINE_VALUES = {"semicolon": ";\n", "br": "<br>\n"}
STOP_VALUES = {"hash": "###", "semicolon": ";", "br": "<br>"}
GLOBAL_PREFIX_VALUES = {"nlg": "[NLG]"}
MAX_TRAIN_INSTANCES_VALUES = {
    "zero": [0],
    "one": [1],
    "all": [0, 1, 2, 4, 8, 16],
    "big_bench_few_shot_setting": [0, 1, 2, 3],
}
NUM_OUTPUTS_VALUES = {"default": [1], "copyright_sweep": [1, 10]}
NUM_PROMPT_TOKENS_VALUES = {"default_sweep": [1, 256, 512, 1024, 1536]}
NUM_OUTPUT_TOKENS_VALUES = {"default_sweep": [1, 2, 4, 8, 16, 32, 64]}
TOKENIZER_DEFAULTS = {
    "together/yalm": "yandex/yalm",
    "together/bloom": "bigscience/bloom",
    "together/t0pp": "bigscience/t0pp",
    "together/t5-11b": "google/t5",
    "together/ul2": "google/ul2",
    "together/glm": "tsinghua/glm",
}
TOKENIZER_TAG_DEFAULTS = {
    "gpt2_tokenizer": "huggingface/gpt2",
    "ai21_tokenizer": "ai21/j1",
    "cohere_tokenizer": "cohere/cohere",
    "opt_tokenizer": "meta/opt",
    "gptj_tokenizer": "eleutherai/gptj",
    "gptneo_tokenizer": "eleutherai/gptneox",
}


@dataclass(frozen=True)
class RunExpander:
    name: str
    value: Any
    expand: Callable[[RunSpec], list[RunSpec]]

    def __call__(self, run_spec: RunSpec) -> list[RunSpec]:
        return self.expand(run_spec)


def _value_suffix(run_spec: RunSpec, name: str, value: Any) -> str:
    separator = "," if ":" in run_spec.name else ":"
    return f"{run_spec.name}{separator}{name}={str(value).replace('/', '_')}"


def _with_adapter(run_spec: RunSpec, name: str, **changes: Any) -> RunSpec:
    return replace(run_spec, name=name, adapter_spec=replace(run_spec.adapter_spec, **changes))


def _check(name: str, value: Any, valid: dict) -> None:
    if value not in valid:
        raise UnknownNameError(f"unknown value '{value}' for {name} ({one_of(valid, value)})")


def _int_values(name: str, value: Any, named: dict[str, list[int]]) -> list[int]:
    if value in named:
        return named[value]
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return [value]
    raise DescriptionError(f"invalid value '{value}' for {name} (a non-negative integer or {one_of(named)})")


def instructions_expander(value: Any) -> RunExpander:
    _check("instructions", value, {"none": 0, "expert": 0})

    def expand(rs: RunSpec) -> list[RunSpec]:
        text = "" if value == "none" else EXPERT_INSTRUCTIONS + rs.adapter_spec.instructions
        return [_with_adapter(rs, f"{rs.name},instructions={value}", instructions=text)]

    return RunExpander("instructions", value, expand)


def prompt_expander(value: Any) -> RunExpander:
    _check("prompt", value, PROMPT_VALUES)
    return RunExpander(
        "prompt", value, lambda rs: [_with_adapter(rs, f"{rs.name},prompt={value}", **PROMPT_VALUES[value])]
    )


def newline_expander(value: Any) -> RunExpander:
    _check("newline", value, NEWLINE_VALUES)
    substitutions = [Substitution(source="\n", target=NEWLINE_VALUES[value])]
    return RunExpander(
        "newline",
        value,
        lambda rs: [_with_adapter(rs, f"{rs.name},newline={value}", substitutions=substitutions)],
    )


def stop_expander(value: Any) -> RunExpander:
    _check("stop", value, STOP_VALUES)
    stop = STOP_VALUES[value]
    return RunExpander(
        "stop",
        value,
        lambda rs: [
            _with_adapter(rs, f"{rs.name},stop={value}", instance_prefix=f"{stop}\n\n", stop_sequences=[stop])
        ],
    )


def global_prefix_expander(value: Any) -> RunExpander:
    _check("global_prefix", value, GLOBAL_PREFIX_VALUES)
    prefix = GLOBAL_PREFIX_VALUES[value]
    return RunExpander(
        "global_prefix",
        value,
        lambda rs: [_with_adapter(rs, f"{rs.name},global_prefix={value}", global_prefix=prefix)],
    )


def _adapter_field_expander(name: str, field: str, values: list[Any]) -> RunExpander:
    def expand(rs: RunSpec) -> list[RunSpec]:
        return [_with_adapter(rs, _value_suffix(rs, name, v), **{field: v}) for v in values]

    return RunExpander(name, values, expand)


def num_train_trials_expander(value: Any) -> RunExpander:
    return _adapter_field_expander(
        "num_train_trials", "num_train_trials", _int_values("num_train_trials", value, {})
    )


def max_train_instances_expander(value: Any) -> RunExpander:
    values = _int_values("max_train_instances", value, MAX_TRAIN_INSTANCES_VALUES)
    return _adapter_field_expander("max_train_instances", "max_train_instances", values)


def num_outputs_expander(value: Any) -> RunExpander:
    return _adapter_field_expander(
        "num_outputs", "num_outputs", _int_values("num_outputs", value, NUM_OUTPUTS_VALUES)
    )


def num_output_tokens_expander(value: Any) -> RunExpander:
    values = _int_values("num_output_tokens", value, NUM_OUTPUT_TOKENS_VALUES)
    return _adapter_field_expander("num_output_tokens", "max_tokens", values)


def max_tokens_expander(value: Any) -> RunExpander:
    return _adapter_field_expander("max_tokens", "max_tokens", _int_values("max_tokens", value, {}))


def _scenario_arg_expander(name: str, values: list[Any]) -> RunExpander:
    def expand(rs: RunSpec) -> list[RunSpec]:
        out = []
        for v in values:
            scenario_spec = replace(rs.scenario_spec, args={**rs.scenario_spec.args, name: v})
            out.append(replace(rs, name=_value_suffix(rs, name, v), scenario_spec=scenario_spec))
        return out

    return RunExpander(name, values, expand)


def num_prompt_tokens_expander(value: Any) -> RunExpander:
    return _scenario_arg_expander(
        "num_prompt_tokens", _int_values("num_prompt_tokens", value, NUM_PROMPT_TOKENS_VALUES)
    )


def tokenizer_expander(value: Any, model_tags: Callable[[str], Sequence[str]]) -> RunExpander:
    """`tokenizer=`; `model_tags` (handed in by the caller) gives a model's registry tags for `default`."""

    def expand(rs: RunSpec) -> list[RunSpec]:
        tokenizer = value
        if value == "default":
            model = rs.adapter_spec.model
            if not model:
                raise DescriptionError("tokenizer=default must come after model= in the description")
            tokenizer = TOKENIZER_DEFAULTS.get(model)
            if tokenizer is None:
                tags = model_tags(model)
                tokenizer = next((t for tag, t in TOKENIZER_TAG_DEFAULTS.items() if tag in tags), None)
            if tokenizer is None:
                raise DescriptionError(f"no default tokenizer for model {model} (give tokenizer=<name>)")
        return _scenario_arg_expander("tokenizer", [tokenizer]).expand(rs)

    return RunExpander("tokenizer", value, expand)


def model_expander(models: list[str]) -> RunExpander:
    """`model=`, with the value already expanded to model names by the caller (categories need the registry)."""
    return _adapter_field_expander("model", "model", models)


def data_augmentation_expander(
    value: Any, options: Mapping[str, Callable[[], list[tuple[str, list[PerturbationSpec]]]]]
) -> RunExpander:
    """`data_augmentation=`; `options` (the augmentation stage's table) is handed in by the caller."""
    _check("data_augmentation", value, dict(options))

    def expand(rs: RunSpec) -> list[RunSpec]:
        out = []
        for option_name, perturbation_specs in options[value]():
            augmenter = DataAugmenterSpec(
                perturbation_specs=perturbation_specs,
                should_augment_train_instances=False,
                should_include_original_train=True,
                should_skip_unchanged_train=True,
                should_augment_eval_instances=True,
                should_include_original_eval=True,
                should_skip_unchanged_eval=True,
                seeds_per_instance=1,
            )
            out.append(
                replace(rs, name=f"{rs.name},data_augmentation={option_name}", data_augmenter_spec=augmenter)
            )
        return out

    return RunExpander("data_augmentation", value, expand)


# Expanders that need only the description's value. `model`, `tokenizer` and `data_augmentation` need
# the model registry or the augmentation table; `holistic.run_specs.construct.EXPANDERS` binds them.
PURE_EXPANDERS: dict[str, Callable[[Any], RunExpander]] = {
    "instructions": instructions_expander,
    "prompt": prompt_expander,
    "newline": newline_expander,
    "stop": stop_expander,
    "global_prefix": global_prefix_expander,
    "num_train_trials": num_train_trials_expander,
    "max_train_instances": max_train_instances_expander,
    "num_outputs": num_outputs_expander,
    "num_prompt_tokens": num_prompt_tokens_expander,
    "num_output_tokens": num_output_tokens_expander,
    "max_tokens": max_tokens_expander,
}
