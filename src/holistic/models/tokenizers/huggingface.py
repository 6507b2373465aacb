"""Hugging Face tokenizers for local models, loaded without the model weights (tokenizer.json when present).

Token texts: a token's text is the UTF-8 text of its bytes; a byte-level token that is only part of a
character (its bytes are not valid UTF-8 alone) is written `bytes:` followed by its bytes with the invalid ones
escaped, e.g. `bytes:\\xe2\\x80`, as OpenAI's API (and so HELM's outputs) write them. Sequence texts are always
decoded from all their tokens together, so they never contain this notation.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from holistic.errors import ConfigError
from holistic.models.tokenizers.base import Tokenizer


@lru_cache(maxsize=1)
def _byte_of_char() -> dict[str, int]:
    """Inverse of the byte-to-character table of byte-level BPE (printable bytes map to themselves)."""
    kept = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    char_of_byte = {b: chr(b) for b in kept}
    shifted = 0
    for b in range(256):
        if b not in char_of_byte:
            char_of_byte[b] = chr(256 + shifted)
            shifted += 1
    return {c: b for b, c in char_of_byte.items()}


def text_of_bytes(data: bytes) -> str:
    """The token's text, or `bytes:` and every byte escaped (`bytes:\\x20\\xf0\\x9f`) when it is not valid
    UTF-8: each byte as `\\xNN`, a leading space included, so counting `\\x` gives its bytes (§5.3)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes:" + "".join(f"\\x{b:02x}" for b in data)


class TokenTexts:
    """Text of each token id, computed once per id."""

    def __init__(self, backend) -> None:
        self._backend = backend
        self._rust = _is_rust(backend)
        self._lock = threading.Lock()
        self._texts: dict[int, str] = {}
        decoder = type(getattr(backend, "decoder", None)).__name__ if self._rust else ""
        self._byte_level = decoder == "ByteLevel"
        self._anchor: int | None = None

    def __call__(self, token_id: int) -> str:
        text = self._texts.get(token_id)
        if text is None:
            text = self._compute(token_id)
            with self._lock:
                self._texts[token_id] = text
        return text

    def _compute(self, token_id: int) -> str:
        if self._byte_level:
            piece = self._backend.id_to_token(token_id)
            table = _byte_of_char()
            if piece is not None and all(c in table for c in piece):
                return text_of_bytes(bytes(table[c] for c in piece))
        piece = (
            self._backend.id_to_token(token_id)
            if self._rust
            else self._backend.convert_ids_to_tokens(token_id)
        )
        if isinstance(piece, str) and len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            return text_of_bytes(bytes([int(piece[3:5], 16)]))  # SentencePiece byte fallback
        # Decoders such as SentencePiece's drop a leading space of the first token: decode after an anchor.
        anchor = self._anchor_id()
        prefix = _decode(self._backend, [anchor])
        return _decode(self._backend, [anchor, token_id])[len(prefix) :]

    def _anchor_id(self) -> int:
        if self._anchor is None:
            ids = _encode(self._backend, "a")
            self._anchor = ids[-1] if ids else 0
        return self._anchor


def _is_rust(backend) -> bool:
    return type(backend).__module__.startswith("tokenizers")


def _encode(backend, text: str) -> list[int]:
    if _is_rust(backend):
        return backend.encode(text, add_special_tokens=False).ids
    return backend.encode(text, add_special_tokens=False)


def _decode(backend, ids: list[int]) -> str:
    if _is_rust(backend):
        return backend.decode(ids, skip_special_tokens=False)
    return backend.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)


class HuggingFaceTokenizer(Tokenizer):
    """Encodes without special tokens and decodes without clean-up, as HELM's Hugging Face tokenizers."""

    def __init__(self, name: str, backend) -> None:
        self.name = name
        self.backend = backend
        self.token_text = TokenTexts(backend)

    def encode(self, text: str) -> list:
        return _encode(self.backend, text)

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        if _is_rust(self.backend):
            return [e.ids for e in self.backend.encode_batch(texts, add_special_tokens=False)]
        return [self.encode(t) for t in texts]

    def decode(self, tokens: list) -> str:
        return _decode(self.backend, list(tokens))

    def tokenize(self, text: str) -> list[str]:
        return [self.token_text(t) for t in self.encode(text)]

    def bos_token_id(self) -> int | None:
        """The token the tokenizer puts before a text when asked to add special tokens (None if none)."""
        with_special = self.backend.encode("a", add_special_tokens=True)
        with_special = with_special.ids if _is_rust(self.backend) else with_special
        without = self.encode("a")
        if len(with_special) > len(without) and with_special[-len(without) :] == without:
            return with_special[0]
        return None


def load_huggingface_tokenizer(name: str) -> Tokenizer:
    """Tokenizer `name`: a registry model's tokenizer name, or `huggingface/<id>` (hub id, directory or GGUF)."""
    from holistic.models.registry import MODELS, get_model

    model = next((m for m in MODELS if m.tokenizer == name and m.client == "huggingface"), None)
    if model is None:
        try:
            model = get_model(name)
        except Exception as e:  # noqa: BLE001 - unknown names become a clear error below
            raise ConfigError(f"unknown tokenizer '{name}'") from e
    try:
        from holistic.models.local.loading import load_tokenizer
    except ImportError as e:
        raise ConfigError(f"tokenizer '{name}' needs the local extra (pip install 'holistic[local]')") from e
    return HuggingFaceTokenizer(name, load_tokenizer(model))
