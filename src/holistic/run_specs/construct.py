"""From a description to RunSpecs (§1.2): run-spec function, run expanders, model post-processing.

This is where the description meets the model registry (`model=text`, `tokenizer=default`, HELM's
per-model stop/prefix tweaks), so `specs/` stays pure data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from holistic.errors import DescriptionError
from holistic.models.registry import (
    ABLATION,
    CODE,
    FULL_FUNCTIONALITY_TEXT,
    LIMITED_FUNCTIONALITY_TEXT,
    NLG_PREFIX,
    NO_NEWLINES,
    TEXT,
    get_model,
    helm_models,
    models_with_tag,
)
from holistic.specs.description import parse_description
from holistic.specs.expanders import (
    PURE_EXPANDERS,
    RunExpander,
    data_augmentation_expander,
    global_prefix_expander,
    model_expander,
    stop_expander,
    tokenizer_expander,
)
from holistic.specs.run_spec import RunSpec

NO_NEWLINES_METHODS = ("generation", "multiple_choice_joint")
TOKENIZER_CATEGORIES = ("gpt2_tokenizer", "ai21_tokenizer", "cohere_tokenizer", "opt_tokenizer")


def model_categories() -> dict[str, list[str]]:
    """Values of `model=` (§1.5): categories of HELM's 2022 registry."""
    categories: dict[str, list[str]] = {
        "all": [m.name for m in helm_models()],
        "text": models_with_tag(TEXT),
        "full_functionality_text": models_with_tag(FULL_FUNCTIONALITY_TEXT),
        "limited_functionality_text": models_with_tag(LIMITED_FUNCTIONALITY_TEXT),
        "code": ["openai/code-davinci-002", "openai/code-davinci-001", "openai/code-cushman-001"],
        **{tag: models_with_tag(tag) for tag in TOKENIZER_CATEGORIES},
        "ai21/j1-jumbo": ["ai21/j1-jumbo"],
        "openai/curie": ["openai/curie"],
        "summarization_zs": [
            "openai/davinci",
            "openai/curie",
            "openai/text-davinci-002",
            "openai/text-curie-001",
        ],
        "interactive_qa": [
            "openai/text-davinci-001",
            "openai/davinci",
            "ai21/j1-jumbo",
            "openai/text-babbage-001",
        ],
    }
    assert set(categories["code"]) == set(models_with_tag(CODE))
    ablation = set(models_with_tag(ABLATION))
    # HELM builds these through a set (arbitrary order); we keep registry order so runs are reproducible.
    for key in list(categories):
        categories[f"ablation_{key}"] = [m for m in categories[key] if m in ablation]
    categories["ablation"] = categories["ablation_all"]
    return categories


def expand_model_value(value: str) -> list[str]:
    """A `model=` value: a category, or a literal model name (unknown names raise a one-line error)."""
    categories = model_categories()
    if value in categories:
        return categories[value]
    get_model(value)
    return [value]


def _model_tags(model: str) -> list[str]:
    return list(get_model(model).tags)


def _data_augmentation(value: Any) -> RunExpander:
    from holistic.augmentation.options import DATA_AUGMENTATION_OPTIONS

    return data_augmentation_expander(value, DATA_AUGMENTATION_OPTIONS)


# All 14 expander names users know (HELM's 13 and `max_tokens`), the registry-bound ones included.
EXPANDERS: dict[str, Callable[[Any], RunExpander]] = {
    **PURE_EXPANDERS,
    "model": lambda value: model_expander(expand_model_value(str(value))),
    "data_augmentation": _data_augmentation,
    "tokenizer": lambda value: tokenizer_expander(value, _model_tags),
}


def construct_run_specs(description: str) -> list[RunSpec]:
    from holistic.run_specs import build_run_spec, get_run_spec_function

    parsed = parse_description(description)
    get_run_spec_function(parsed.name)  # unknown scenario: fail before building expanders
    expanders: list[RunExpander] = []
    scenario_args = {}
    for key, value in parsed.args.items():
        if key in EXPANDERS:
            expanders.append(EXPANDERS[key](value))
        else:
            scenario_args[key] = value

    run_specs = [build_run_spec(parsed.name, scenario_args)]
    for expander in expanders:
        run_specs = [expanded for run_spec in run_specs for expanded in expander(run_spec)]

    result = []
    for run_spec in run_specs:
        model_name = run_spec.adapter_spec.model
        if not model_name:
            raise DescriptionError(
                f"no model for '{description}' (add model=<name>, e.g. model=simple/model1)"
            )
        model = get_model(model_name)
        if NO_NEWLINES in model.tags and run_spec.adapter_spec.method in NO_NEWLINES_METHODS:
            run_spec = stop_expander("hash")(run_spec)[0]
        if NLG_PREFIX in model.tags:
            run_spec = global_prefix_expander("nlg")(run_spec)[0]
        result.append(run_spec)
    return result
