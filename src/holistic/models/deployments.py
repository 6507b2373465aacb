"""Model deployments: API models and OpenAI-compatible servers declared in `<local-path>/model_deployments.yaml`.

    model_deployments:
      - name: vllm/llama-3-8b            # the name runs use: model=vllm/llama-3-8b
        client: openai                   # openai (any OpenAI-compatible server), anthropic, cohere, ai21, ...
        base_url: http://localhost:8000/v1
        api: completions                 # or chat
        api_model: meta-llama/Meta-Llama-3-8B   # the model name the server knows (default: after the "/")
        tokenizer: server                # the server's /tokenize, or a tokenizer name (huggingface/gpt2, ...)
        max_sequence_length: 8192

Local Hugging Face models take their options the same way; a deployment whose name is a registered model, or
that names one with `model_name`, starts from that model's metadata and overrides what it sets:

      - name: huggingface/smollm2-135m-instruct    # the bundled model, in bfloat16 on a GPU
        device: cuda                               # auto (default), cpu or cuda
        dtype: bfloat16                            # auto (float32 on CPU, bfloat16 on CUDA), float32, float16
      - name: huggingface/my-model                 # a new name for weights on disk
        model_name: huggingface/smollm2-135m-instruct
        pretrained_model_name_or_path: /models/my-model   # or gguf_file: /models/my-model.gguf
        batch_tokens: 1024                         # tokens per forward pass; max_streams, num_threads too

`openai-compatible/<served model>` names work without a file: HOLISTIC_OPENAI_COMPATIBLE_BASE_URL (default
http://localhost:8000/v1, vLLM's), HOLISTIC_OPENAI_COMPATIBLE_API (completions or chat) and
HOLISTIC_OPENAI_COMPATIBLE_MAX_SEQUENCE_LENGTH, HOLISTIC_OPENAI_COMPATIBLE_TOKENIZER and
HOLISTIC_OPENAI_COMPATIBLE_MAX_COMPLETIONS_PER_REQUEST configure them; HOLISTIC_OPENAI_COMPATIBLE_API_KEY is the key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from holistic.errors import ConfigError
from holistic.models.deployment_entries import (  # noqa: F401  (re-exported)
    API_CLIENTS,
    CLIENT_OPTIONS,
    DEPLOYMENTS_FILE,
    METADATA_KEYS,
    OPENAI_COMPATIBLE,
    SERVER_TOKENIZER,
    WEIGHTS_OPTIONS,
    build_deployment,
    openai_compatible_model,
)
from holistic.models.metadata import ModelMetadata
from holistic.models.registry import find_model, get_model, register_model


def load_model_deployments(local_path: str | os.PathLike) -> list[ModelMetadata]:
    """Register every deployment of `<local_path>/model_deployments.yaml` (nothing if the file is absent)."""
    path = Path(local_path) / DEPLOYMENTS_FILE
    if not path.exists():
        return []
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        where = f" line {line + 1}" if line is not None else ""
        raise ConfigError(
            f"cannot parse {path}{where}: {getattr(e, 'problem', None) or type(e).__name__}"
        ) from None
    entries = document.get("model_deployments") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path} must hold a list under `model_deployments:` (see docs/models.md)")
    models = [deployment_from_dict(entry, f"{path} entry {i + 1}") for i, entry in enumerate(entries)]
    for model in models:
        register_model(model)
    return models


def deployment_from_dict(entry: Any, where: str) -> ModelMetadata:
    """One entry of `model_deployments.yaml`, starting from its base model in the registry."""
    return build_deployment(entry, where, lookup=get_model, find=find_model)
