"""In-process models: a model object the user already holds, evaluated with `model=<name>`, no server, no YAML.

The object implements a narrow interface (`InProcessModel`): `score` gives the log-probability of every token
of whole texts (prompts and continuations: what multiple-choice-by-likelihood and language modelling need),
`generate` continues prompts. `register_model(name, model_object, tokenizer=...)` adds a registry row whose
client is `inprocess` (holistic.models.clients.inprocess_client); that client hands the object batches, answers
from the request cache first, and stores every answered batch before asking for the next, as the built-in
local client does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from holistic.errors import ConfigError
from holistic.models.metadata import FULL_FUNCTIONALITY_TEXT, TEXT, ModelMetadata
from holistic.models.tokenizers.base import Tokenizer


@dataclass(frozen=True)
class TokenLogprob:
    """One token of a text and its log-probability given the tokens before it."""

    text: str
    logprob: float


@dataclass(frozen=True)
class GenerationOptions:
    """How to continue a batch of prompts (one request's settings; the client groups requests by them)."""

    max_tokens: int
    temperature: float = 0.0
    """0 means greedy decoding."""
    num_completions: int = 1
    stop_sequences: tuple[str, ...] = ()
    """Generation may stop at one; holistic cuts the text at the first one either way."""
    top_p: float = 1.0
    seed: int = 0
    """Derived from the request, so sampled completions are reproducible."""


@dataclass(frozen=True)
class Generation:
    """One completion: its text and, when the model gives them, its tokens with log-probabilities."""

    text: str
    tokens: tuple[TokenLogprob, ...] = field(default_factory=tuple)
    finish_reason: str | None = None
    """`length`, `stop` or `endoftext`; when None, holistic infers it from the tokens (fewer than max_tokens:
    `endoftext`), and a text cut at a stop sequence is always `stop`."""


@runtime_checkable
class InProcessModel(Protocol):
    """What an in-process model implements (see docs/api.md for a transformers example)."""

    def score(self, texts: list[str]) -> list[list[TokenLogprob]]:
        """For each text, its tokens with the log-probability of each given the text before it.

        A first token without context (no BOS token) gets log-probability 0, as HELM's clients do.
        """
        ...

    def generate(self, prompts: list[str], options: GenerationOptions) -> list[list[Generation]]:
        """For each prompt, `options.num_completions` continuations (without the prompt)."""
        ...


_LOCK = threading.Lock()
_OBJECTS: dict[str, InProcessModel] = {}
INPROCESS_CLIENT = "inprocess"


def model_object(name: str) -> InProcessModel:
    with _LOCK:
        found = _OBJECTS.get(name)
    if found is None:
        raise ConfigError(f"model {name} has no in-process object (register it with holistic.register_model)")
    return found


def register_model(
    name: str,
    model: InProcessModel | None = None,
    *,
    client: str | None = None,
    tokenizer: str | Tokenizer = "huggingface/gpt2",
    max_sequence_length: int = 2048,
    max_request_length: int | None = None,
    display_name: str | None = None,
    end_of_text_token: str = "<|endoftext|>",
    prefix_token: str = "",
    tags: tuple[str, ...] = (TEXT, FULL_FUNCTIONALITY_TEXT),
    revision: str = "",
    batch_size: int = 16,
    cache: bool = True,
    args: dict[str, Any] | None = None,
) -> ModelMetadata:
    """Add the model `name` (`organization/engine`) to the registry, so `model=<name>` evaluates it.

    Give either `model`, an object implementing `InProcessModel`, or `client`, the name of a client (a plug-in's
    `@register_client`). `tokenizer` counts tokens for window fitting: a HELM tokenizer name (a Hugging Face
    hub id or directory works) or a `holistic.Tokenizer`. Answers are cached under the name and `revision`:
    change `revision` when the weights change. `batch_size` is how many prompts one call receives.
    """
    from holistic.models.registry import register_model as add_row

    if "/" not in name:
        raise ConfigError(f"model name '{name}' needs an organization (give <organization>/<name>)")
    if (model is None) == (client is None):
        raise ConfigError(f"model {name}: give either an in-process model object or a client name")
    if model is not None and not isinstance(model, InProcessModel):
        raise ConfigError(
            f"model {name}: {type(model).__name__} lacks score() and generate() (see InProcessModel)"
        )
    if isinstance(tokenizer, Tokenizer):
        from holistic.models.tokenizers import register_tokenizer

        instance = tokenizer
        tokenizer_name = f"inprocess/{name}"
        register_tokenizer(tokenizer_name, lambda: instance)
    else:
        tokenizer_name = tokenizer
    row_args = dict(args or {})
    if model is not None:
        row_args.update(revision=revision, batch_size=batch_size, cache=cache)
    metadata = ModelMetadata(
        name=name,
        display_name=display_name or name.split("/", 1)[1],
        group=name.split("/", 1)[0],
        client=client or INPROCESS_CLIENT,
        tokenizer=tokenizer_name,
        max_sequence_length=max_sequence_length,
        max_request_length=max_request_length or max_sequence_length,
        prefix_token=prefix_token,
        tags=tuple(tags),
        end_of_text_token=end_of_text_token,
        in_helm_registry=False,
        args=row_args,
    )
    with _LOCK:
        if model is not None:
            _OBJECTS[name] = model
        else:
            _OBJECTS.pop(name, None)
    add_row(metadata)
    return metadata
