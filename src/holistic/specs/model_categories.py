"""Values of `model=` (§1.5): categories of HELM's 2022 registry, or a literal model name."""

from __future__ import annotations

from holistic.models.registry import (
    ABLATION,
    CODE,
    FULL_FUNCTIONALITY_TEXT,
    LIMITED_FUNCTIONALITY_TEXT,
    TEXT,
    get_model,
    helm_models,
    models_with_tag,
)

TOKENIZER_CATEGORIES = ("gpt2_tokenizer", "ai21_tokenizer", "cohere_tokenizer", "opt_tokenizer")


def model_categories() -> dict[str, list[str]]:
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
    categories = model_categories()
    if value in categories:
        return categories[value]
    get_model(value)  # raises a one-line error for unknown models
    return [value]
