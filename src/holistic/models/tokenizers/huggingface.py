"""Hugging Face tokenizers for local models (loaded through transformers, offline)."""

from __future__ import annotations

from holistic.errors import ConfigError
from holistic.models.tokenizers import Tokenizer


class HuggingFaceTokenizer(Tokenizer):
    def __init__(self, name: str, hf_tokenizer) -> None:
        self.name = name
        self._tokenizer = hf_tokenizer

    def encode(self, text: str) -> list:
        return self._tokenizer.encode(text, add_special_tokens=False)

    def decode(self, tokens: list) -> str:
        return self._tokenizer.decode(tokens, clean_up_tokenization_spaces=False)


def load_huggingface_tokenizer(name: str) -> Tokenizer:
    """Tokenizer of a local Hugging Face model named `huggingface/<id>` (hub id, directory or GGUF)."""
    from holistic.models.registry import get_model

    try:
        model = get_model(name)
    except Exception as e:  # noqa: BLE001 - unknown names become a clear error below
        raise ConfigError(f"unknown tokenizer '{name}'") from e
    try:
        from holistic.models.clients.huggingface_client import load_tokenizer
    except ImportError as e:
        raise ConfigError(f"tokenizer '{name}' needs the local extra (pip install 'holistic[local]')") from e
    return HuggingFaceTokenizer(name, load_tokenizer(model))
