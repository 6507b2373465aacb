"""What the local engine works on: jobs (requests in tokens) and their outputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

TopK = list[tuple[int, float]]

# Rows per forward pass at least: MKL computes products of fewer rows with other kernels that round differently,
# so without this a request's log-probabilities would depend (by ~1e-5) on what it was batched with.
MIN_ROWS = 16


@dataclass
class Job:
    """One request, in tokens."""

    tokens: list[int]
    """Context tokens (a BOS token first when the model wants one); never empty."""

    prompt_start: int = 0
    """Context tokens before the prompt itself (a BOS token); the engine does not use it."""

    first_scored: int = 1
    """First position whose log-probability is returned when `echo` (earlier ones have no context)."""

    echo: bool = False
    """Whether log-probabilities of the prompt tokens are wanted."""

    max_new_tokens: int = 0
    """Tokens to generate at most."""

    num_streams: int = 1
    """Completions to generate (greedy jobs compute one and repeat it)."""

    temperature: float = 0.0
    """0 is greedy (argmax); otherwise sampling from softmax(logits / temperature)."""

    top_p: float = 1.0
    """Nucleus mass kept when sampling."""

    top_k: int = 1
    """Alternatives returned per token."""

    seed: int = 0
    """Seed of the sampling streams (stream i uses seed + i), so samples do not depend on batching."""

    stop: Callable[[list[int]], bool] | None = None
    """Whether the generated tokens so far contain a stop sequence."""


@dataclass
class StreamOutput:
    tokens: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    top: list[TopK] = field(default_factory=list)
    finish_reason: str = "length"
    """`length`, `stop` or `endoftext`."""


@dataclass
class JobOutput:
    prompt_logprobs: list[float]
    """Log-probability of each prompt token from `first_scored` on (echo jobs)."""

    prompt_top: list[TopK]
    """Top alternatives at those positions."""

    streams: list[StreamOutput]
    """The generated completions."""


FinishedCallback = Callable[[list[tuple[int, JobOutput]]], None]


def common_prefix_length(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i
