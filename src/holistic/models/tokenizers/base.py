"""The `Tokenizer` interface (a leaf module, so tokenizer implementations never import the package)."""

from __future__ import annotations

from abc import ABC, abstractmethod


class Tokenizer(ABC):
    """Turns text into tokens and back. Tokens are ints (ids) or strings (for toy tokenizers)."""

    name: str = ""

    cheap_count: bool = False
    """True when count_tokens costs no more than a lookup (window services then do not cache counts)."""

    @abstractmethod
    def encode(self, text: str) -> list:
        """Token ids (or token strings) of `text`, without special tokens."""

    @abstractmethod
    def decode(self, tokens: list) -> str:
        """Text of the tokens, without cleaning up spaces."""

    def tokenize(self, text: str) -> list[str]:
        """The text of each token (byte-level tokens may be partial characters)."""
        return [self.decode([t]) for t in self.encode(text)]

    def count_tokens(self, text: str) -> int:
        return len(self.encode(text))
