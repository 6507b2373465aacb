"""Requests to a model and what comes back (HELM's Request, RequestResult, Sequence, Token)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Request:
    model: str = "openai/text-davinci-002"
    """`<organization>/<engine>`."""

    embedding: bool = False
    """Whether to ask for an embedding instead of completions."""

    prompt: str = ""
    """The text to complete."""

    temperature: float = 1.0
    """Sampling temperature; 0 means greedy."""

    num_completions: int = 1
    """How many completions to return."""

    top_k_per_token: int = 1
    """How many alternatives (with log-probabilities) per generated token."""

    max_tokens: int = 100
    """Maximum number of generated tokens."""

    stop_sequences: list[str] = field(default_factory=list)
    """Generation stops at the first of these."""

    echo_prompt: bool = False
    """Whether the prompt's tokens (with log-probabilities) are returned before the completion."""

    top_p: float = 1
    """Nucleus sampling mass."""

    presence_penalty: float = 0
    """OpenAI-style presence penalty."""

    frequency_penalty: float = 0
    """OpenAI-style frequency penalty."""

    random: str | None = None
    """Added to cache keys to force fresh samples."""

    @property
    def organization(self) -> str:
        return self.model.split("/", 1)[0]

    @property
    def engine(self) -> str:
        return self.model.split("/", 1)[1] if "/" in self.model else self.model


@dataclass(frozen=True)
class Token:
    text: str
    """Text of the token."""

    logprob: float
    """Log-probability of the token."""

    top_logprobs: dict[str, float] = field(default_factory=dict)
    """The most likely alternatives at this position, text to log-probability."""


@dataclass(frozen=True)
class Sequence:
    text: str
    """The completion text."""

    logprob: float
    """Sum of the tokens' log-probabilities."""

    tokens: list[Token]
    """The tokens."""

    finish_reason: dict[str, Any] | None = None
    """Why generation stopped: `{"reason": "length" | "stop" | "endoftext" | ...}`."""


@dataclass(frozen=True)
class RequestResult:
    success: bool
    """Whether the request succeeded."""

    embedding: list[float]
    """The embedding (embedding requests only)."""

    completions: list[Sequence]
    """The completions."""

    cached: bool
    """Whether the result came from the cache."""

    request_time: float | None = None
    """Seconds the model took to answer."""

    request_datetime: int | None = None
    """When the request was made (epoch seconds)."""

    error: str | None = None
    """What went wrong, when success is false."""

    batch_size: int | None = None
    """How many requests were computed together (batched back-ends)."""

    batch_request_time: float | None = None
    """Seconds the whole batch took."""


def failed_result(error: str) -> RequestResult:
    return RequestResult(success=False, embedding=[], completions=[], cached=False, error=error)


def truncate_sequence(sequence: Sequence, request: Request, print_warning: bool = False) -> Sequence:
    """Apply stop sequences and max_tokens to a completion, as HELM's clients do.

    Nothing is truncated when the prompt is echoed. For each stop sequence the text is cut at its
    first occurrence and tokens are dropped from the first one that starts with it; then at most
    max_tokens tokens are kept and the text and log-probability are rebuilt from them.
    """
    if request.echo_prompt:
        return sequence
    for stop in request.stop_sequences:
        try:
            new_text = sequence.text[: sequence.text.index(stop)]
        except ValueError:
            continue
        new_tokens: list[Token] = []
        for token in sequence.tokens:
            if token.text.startswith(stop):
                break
            new_tokens.append(token)
        sequence = Sequence(
            text=new_text,
            logprob=sum(t.logprob for t in new_tokens),
            tokens=new_tokens,
            finish_reason={"reason": "stop"},
        )
    if len(sequence.tokens) > request.max_tokens:
        kept = sequence.tokens[: request.max_tokens]
        sequence = Sequence(
            text="".join(t.text for t in kept),
            logprob=sum(t.logprob for t in kept),
            tokens=kept,
            finish_reason={"reason": "length"},
        )
    return sequence
