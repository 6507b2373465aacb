"""Window services: count, fit and truncate text against a model's context window (HELM §4.4)."""

from __future__ import annotations

from dataclasses import dataclass

from holistic.models.registry import ModelMetadata, get_model
from holistic.models.tokenizers import Tokenizer, get_tokenizer


@dataclass(frozen=True)
class EncodeResult:
    text: str
    """The text that was encoded (normalised by some tokenizers)."""

    tokens: list
    """Its tokens."""


class WindowService:
    def __init__(self, model: ModelMetadata, tokenizer: Tokenizer) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.max_sequence_length = model.max_sequence_length
        self.max_request_length = model.max_request_length
        self.prefix_token = model.prefix_token
        self.end_of_text_token = model.end_of_text_token

    def encode(self, text: str, truncation: bool = False, max_length: int | None = None) -> EncodeResult:
        tokens = self.tokenizer.encode(text)
        if truncation:
            tokens = tokens[: max_length if max_length is not None else self.max_request_length]
        return EncodeResult(text=text, tokens=tokens)

    def decode(self, tokens: list, normalized_text: str | None = None) -> str:
        return self.tokenizer.decode(tokens)

    def tokenize(self, text: str) -> list[str]:
        return self.tokenizer.tokenize(text)

    def get_num_tokens(self, text: str) -> int:
        return self.tokenizer.count_tokens(text)

    def fits_within_context_window(self, text: str, expected_completion_token_length: int = 0) -> bool:
        if self.model.encoder_decoder:
            # The completion does not share the encoder's window.
            expected_completion_token_length = 0
        return self.get_num_tokens(text) + expected_completion_token_length <= self.max_request_length

    def truncate_from_right(self, text: str, expected_completion_token_length: int = 0) -> str:
        """Keep the longest prefix of `text` that fits with room for the completion."""
        if self.fits_within_context_window(text, expected_completion_token_length):
            return text
        if self.model.encoder_decoder:
            expected_completion_token_length = 0
        limit = self.max_request_length - expected_completion_token_length
        tokens = self.tokenizer.encode(text)[: max(limit, 0)]
        result = self.decode(tokens)
        # Decoding partial multi-byte tokens can change the token count; trim until it fits.
        while not self.fits_within_context_window(result, expected_completion_token_length):
            tokens = tokens[:-1]
            result = self.decode(tokens)
        return result


_SERVICES: dict[tuple[str, int, str, int], tuple[object, WindowService]] = {}


def get_window_service(model_name: str, context=None) -> WindowService:
    """The window service of a model (one per process and client context).

    The client context lets API tokenizers (AI21, Cohere, an OpenAI-compatible server's /tokenize) call out
    through the model's client and cache; without one, offline tokenizers are used.
    """
    model = get_model(model_name)
    # The tokenizer and window can depend on the --helm-version profile (simple/model1).
    key = (model_name, id(context), model.tokenizer, model.max_request_length)
    if key not in _SERVICES:
        # The context is kept with its service so that its id cannot be reused by another context.
        _SERVICES[key] = (context, WindowService(model, get_tokenizer(model.tokenizer, context)))
    return _SERVICES[key][1]
