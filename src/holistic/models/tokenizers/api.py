"""Tokenizers answered by a provider or a server: AI21's and Cohere's tokenize endpoints, and the /tokenize of
OpenAI-compatible servers (llama.cpp, vLLM). Calls go through the model's client, so they are cached in its
sqlite file and retried like requests; an in-memory memo spares the cache the window service's repeats.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from holistic.errors import HolisticError
from holistic.models.tokenizers.base import Tokenizer

MEMO_SIZE = 4096


class TokenizerServiceError(HolisticError):
    """A tokenizer endpoint kept failing (the run cannot fit prompts without it)."""


class _Memo:
    def __init__(self) -> None:
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            if len(self._items) > MEMO_SIZE:
                self._items.popitem(last=False)
        return value


def _guard(name: str, compute: Callable[[], Any]) -> Any:
    from holistic.models.clients.retry import ApiError

    try:
        return compute()
    except ApiError as e:
        raise TokenizerServiceError(f"tokenizer {name} failed: {e}") from None


class PieceTokenizer(Tokenizer):
    """Tokens are text pieces whose concatenation is the text (AI21, Cohere)."""

    def __init__(self, name: str, pieces: Callable[[str], list[str]]) -> None:
        self.name = name
        self._pieces = pieces
        self._memo = _Memo()

    def encode(self, text: str) -> list:
        return list(
            self._memo.get_or_compute(text, lambda: tuple(_guard(self.name, lambda: self._pieces(text))))
        )

    def decode(self, tokens: list) -> str:
        return "".join(tokens)

    def tokenize(self, text: str) -> list[str]:
        return self.encode(text)


class ServerTokenizer(Tokenizer):
    """Token ids from an OpenAI-compatible server's /tokenize and /detokenize."""

    def __init__(self, name: str, client: Any) -> None:
        self.name = name
        self._client = client
        self._memo = _Memo()

    def _tokenize(self, text: str) -> tuple[list[int], list[str] | None]:
        from holistic.models.clients.openai_client import server_tokenize

        return self._memo.get_or_compute(
            ("encode", text), lambda: _guard(self.name, lambda: server_tokenize(self._client, text))
        )

    def encode(self, text: str) -> list:
        return list(self._tokenize(text)[0])

    def decode(self, tokens: list) -> str:
        from holistic.models.clients.openai_client import server_detokenize

        key = ("decode", tuple(tokens))
        return self._memo.get_or_compute(
            key, lambda: _guard(self.name, lambda: server_detokenize(self._client, list(tokens)))
        )

    def tokenize(self, text: str) -> list[str]:
        ids, pieces = self._tokenize(text)
        return list(pieces) if pieces is not None else [self.decode([t]) for t in ids]


def build_api_tokenizer(name: str, context: Any) -> Tokenizer | None:
    """The API tokenizer for `name`, or None when this name has none or its key is not configured."""
    from holistic.models.clients import get_client
    from holistic.models.registry import MODELS

    if name.startswith("server:"):
        client = get_client(name.split(":", 1)[1], context)
        return ServerTokenizer(name, client)
    if name not in ("ai21/j1", "cohere/cohere"):
        return None
    model = next(m for m in MODELS if m.tokenizer == name)
    client = get_client(model.name, context)
    if not client.api_key():
        return None
    if name == "ai21/j1":
        from holistic.models.clients.ai21_client import tokenize

        return PieceTokenizer(name, lambda text: tokenize(client, text))
    from holistic.models.clients.cohere_client import tokenize as cohere_tokenize

    return PieceTokenizer(name, lambda text: cohere_tokenize(client, text))
