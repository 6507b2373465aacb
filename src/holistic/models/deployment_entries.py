"""Deployment entries (`model_deployments.yaml`, `openai-compatible/<served model>`) built into ModelMetadata.

Pure construction: the registry lookup for a base model is handed in, so this module imports no registry
(`holistic.models.deployments` loads the file and registers; `holistic.models.dynamic` resolves names).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from typing import Any

from holistic.errors import ConfigError, one_of
from holistic.models.metadata import FULL_FUNCTIONALITY_TEXT, TEXT, ModelMetadata

DEPLOYMENTS_FILE = "model_deployments.yaml"
OPENAI_COMPATIBLE = "openai-compatible"
SERVER_TOKENIZER = "server"
"""Tokenizer setting that means: ask the server (`/tokenize`, `/detokenize`; llama.cpp and vLLM have them)."""

# Keys a deployment may set besides name; the client reads them from ModelMetadata.args.
CLIENT_OPTIONS = (
    "base_url", "api", "api_model", "credential", "api_key_env", "supports_echo", "chat_logprobs",
    "max_completions_per_request", "max_concurrency", "timeout", "max_attempts", "completion_url",
    # the huggingface client (holistic.models.clients.huggingface_client)
    "device", "dtype", "batch_tokens", "max_streams", "num_threads",
    "pretrained_model_name_or_path", "revision", "gguf_file",
    # replicas and their resources under `helm-run --runner ray` (holistic.execution.ray_replicas)
    "replicas", "num_cpus", "num_gpus",
)  # fmt: skip
WEIGHTS_OPTIONS = ("pretrained_model_name_or_path", "gguf_file")
METADATA_KEYS = (
    "name", "client", "display_name", "group", "tokenizer", "max_sequence_length", "max_request_length",
    "prefix_token", "end_of_text_token", "tags", "encoder_decoder", "model_name",
)  # fmt: skip
API_CLIENTS = ("openai", "anthropic", "cohere", "ai21", "together", "gooseai", "microsoft")


ModelLookup = Callable[[str], ModelMetadata]
"""Resolves any model name (raises a HolisticError for unknown names): the registry's `get_model`."""
ModelFind = Callable[[str], "ModelMetadata | None"]
"""The registered model of a name, or None: the registry's `find_model`."""


def build_deployment(
    entry: Any,
    where: str,
    lookup: ModelLookup | None = None,
    find: ModelFind | None = None,
    extra_args: Mapping[str, Any] | None = None,
) -> ModelMetadata:
    """One deployment entry as ModelMetadata; `lookup`/`find` (handed in by the caller) find its base model."""
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ConfigError(f"{where}: a deployment needs at least `name: <organization>/<model>`")
    name = str(entry["name"])
    if "/" not in name or name.startswith("/") or name.endswith("/"):
        raise ConfigError(
            f"{where}: invalid name '{name}' (expected <organization>/<model>, e.g. vllm/llama-3-8b)"
        )
    unknown = sorted(set(entry) - set(CLIENT_OPTIONS) - set(METADATA_KEYS))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key '{unknown[0]}' ({one_of([*METADATA_KEYS, *CLIENT_OPTIONS])})"
        )
    base = _base_model(entry, name, where, lookup, find)
    client = str(entry.get("client", base.client if base else "openai"))
    if importlib.util.find_spec(f"holistic.models.clients.{client}_client") is None:
        raise ConfigError(f"{where}: unknown client '{client}' ({one_of(API_CLIENTS)})")
    if entry.get("api", "completions") not in ("completions", "chat"):
        raise ConfigError(f"{where}: invalid api '{entry['api']}' (expected completions or chat)")
    args = dict(base.args) if base else {}
    if any(key in entry for key in WEIGHTS_OPTIONS):
        # New weights replace the base model's (its bundled GGUF, say).
        args = {k: v for k, v in args.items() if k not in ("bundled_package", *WEIGHTS_OPTIONS)}
    args.update({key: entry[key] for key in CLIENT_OPTIONS if key in entry})
    args.update(extra_args or {})
    # A self-hosted OpenAI-compatible server needs no key unless the deployment names one.
    if client == "openai" and "base_url" in entry and "credential" not in entry:
        args["credential"] = None
    # llama.cpp, Ollama, TGI and LM Studio answer one completion per call (vLLM more): ask n times by default.
    if client == "openai" and "base_url" in entry and "max_completions_per_request" not in entry:
        args["max_completions_per_request"] = 1
    default_tokenizer = SERVER_TOKENIZER if client == "openai" and "base_url" in entry else "huggingface/gpt2"
    tokenizer = str(entry.get("tokenizer", base.tokenizer if base else default_tokenizer))
    if tokenizer == SERVER_TOKENIZER:
        tokenizer = f"{SERVER_TOKENIZER}:{name}"
    try:
        max_sequence_length = int(
            entry.get("max_sequence_length", base.max_sequence_length if base else 2048)
        )
        default_request_length = (
            base.max_request_length if base and "max_sequence_length" not in entry else max_sequence_length
        )
        max_request_length = int(entry.get("max_request_length", default_request_length))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: max_sequence_length and max_request_length must be integers") from None
    tags = entry.get("tags", list(base.tags) if base else [TEXT, FULL_FUNCTIONALITY_TEXT])
    if not isinstance(tags, list):
        raise ConfigError(f"{where}: tags must be a list")
    same = base is not None and base.name == name
    return ModelMetadata(
        name=name,
        display_name=str(entry.get("display_name", base.display_name if same else name.split("/", 1)[1])),
        group=str(entry.get("group", base.group if base else name.split("/", 1)[0])),
        client=client,
        tokenizer=tokenizer,
        max_sequence_length=max_sequence_length,
        max_request_length=max_request_length,
        prefix_token=str(entry.get("prefix_token", base.prefix_token if base else "")),
        tags=tuple(str(t) for t in tags),
        end_of_text_token=str(entry.get("end_of_text_token", base.end_of_text_token if base else "")),
        encoder_decoder=bool(entry.get("encoder_decoder", base.encoder_decoder if base else False)),
        in_helm_registry=base.in_helm_registry if same else False,
        args=args,
    )


def _base_model(
    entry: dict[str, Any], name: str, where: str, lookup: ModelLookup | None, find: ModelFind | None
) -> ModelMetadata | None:
    """The registered model a deployment starts from: `model_name`, or the deployment's own name if known."""
    from holistic.errors import HolisticError

    if "model_name" in entry:
        if lookup is None:
            raise ConfigError(f"{where}: model_name is not supported here")
        try:
            return lookup(str(entry["model_name"]))
        except HolisticError as e:
            raise ConfigError(f"{where}: model_name: {e}") from None
    return find(name) if find is not None else None


def openai_compatible_model(name: str) -> ModelMetadata:
    """`openai-compatible/<served model>`, configured by HOLISTIC_OPENAI_COMPATIBLE_* environment variables."""
    env = os.environ
    entry: dict[str, Any] = {
        "name": name,
        "client": "openai",
        "base_url": env.get("HOLISTIC_OPENAI_COMPATIBLE_BASE_URL", "http://localhost:8000/v1"),
        "api": env.get("HOLISTIC_OPENAI_COMPATIBLE_API", "completions"),
        "max_sequence_length": env.get("HOLISTIC_OPENAI_COMPATIBLE_MAX_SEQUENCE_LENGTH", 2048),
        "api_key_env": "HOLISTIC_OPENAI_COMPATIBLE_API_KEY",
    }
    if env.get("HOLISTIC_OPENAI_COMPATIBLE_MAX_COMPLETIONS_PER_REQUEST"):
        entry["max_completions_per_request"] = env["HOLISTIC_OPENAI_COMPATIBLE_MAX_COMPLETIONS_PER_REQUEST"]
    if env.get("HOLISTIC_OPENAI_COMPATIBLE_TOKENIZER"):
        entry["tokenizer"] = env["HOLISTIC_OPENAI_COMPATIBLE_TOKENIZER"]
    # The key is optional here: a local server usually has none.
    return build_deployment(
        entry,
        "openai-compatible model (HOLISTIC_OPENAI_COMPATIBLE_* variables)",
        extra_args={"api_key_optional": True},
    )
