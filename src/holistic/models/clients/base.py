"""The client interface: a client turns a batch of Requests into RequestResults.

API clients implement `make_request` and are fanned out over threads by the executor; local clients set
`batched = True` and implement `make_requests`, receiving every request of a run at once so they can sort,
pad and batch them. Clients own their cache keys (HELM's raw requests) and use `ClientContext.cache`.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from holistic.models.cache import CacheRegistry, RequestCache
from holistic.models.clients.retry import RetryPolicy
from holistic.models.credentials import Credentials, scrub
from holistic.models.registry import ModelMetadata
from holistic.models.request import Request, RequestResult, Sequence, Token, failed_result, truncate_sequence

ProgressCallback = Callable[[int], None]


@dataclass
class ClientContext:
    """What every client may use: the caches, the credentials, per-model options."""

    caches: CacheRegistry
    credentials: Credentials
    model_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-model options (device, dtype, base_url, ...) from deployments or model arguments."""

    retry_policy: RetryPolicy = field(default_factory=RetryPolicy.from_environment)
    """Retries and timeouts of API calls (HOLISTIC_MAX_ATTEMPTS, HOLISTIC_REQUEST_TIMEOUT, ...)."""

    def cache(self, organization: str) -> RequestCache:
        return self.caches.for_organization(organization)


class Client(ABC):
    batched: ClassVar[bool] = False
    """Whether the executor should hand this client all requests at once."""

    max_concurrency: ClassVar[int | None] = None
    """Upper bound on threads the executor uses for this client (None: the executor's setting)."""

    cache_organization: ClassVar[str | None] = None
    """The cache a batched client keys by `raw_request` (lets a distributed runner look answers up itself)."""

    def __init__(self, model: ModelMetadata, context: ClientContext) -> None:
        self.model = model
        self.context = context

    @abstractmethod
    def make_request(self, request: Request) -> RequestResult:
        """Answer one request (from the cache when possible). Never raises for model-side failures."""

    def raw_request(self, request: Request) -> dict[str, Any]:
        """The cache key of `request` (HELM's raw request) in `cache_organization`'s cache."""
        raise NotImplementedError(f"{type(self).__name__} does not expose its cache keys")

    def check_credentials(self, requests: list[Request]) -> None:
        """Raise MissingCredentialsError before any request is sent if the client cannot answer them."""
        return None  # local clients need no keys

    def make_requests(
        self, requests: list[Request], progress: ProgressCallback | None = None
    ) -> list[RequestResult]:
        """Answer many requests; batched clients override this."""
        results = []
        for request in requests:
            results.append(self.make_request(request))
            if progress:
                progress(1)
        return results

    def cached_call(
        self, cache: RequestCache, raw_request: dict[str, Any], compute: Callable[[], dict[str, Any]]
    ) -> tuple[dict[str, Any], bool]:
        """Look `raw_request` up in the cache, else compute it, timing the call as HELM does."""

        def timed() -> dict[str, Any]:
            start = time.time()
            response = compute()
            return {**response, "request_time": time.time() - start, "request_datetime": int(start)}

        return cache.get_or_compute(raw_request, timed)

    def failure(self, error: BaseException | str) -> RequestResult:
        message = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error
        return failed_result(scrub(message, self.context.credentials))


def local_generation_result(response: dict[str, Any], request: Request, cached: bool) -> RequestResult:
    """A RequestResult from the cached response of a model run in this process (the `huggingface` and
    in-process clients): per completion its text, tokens, log-probabilities, optional top log-probabilities
    and finish reason, plus the timing fields; completions are cut at the request's stop sequences."""
    completions = []
    for raw in response["completions"]:
        tops = raw.get("top_logprobs_dicts") or [{}] * len(raw["tokens"])
        tokens = [
            Token(text=text, logprob=logprob, top_logprobs=top)
            for text, logprob, top in zip(raw["tokens"], raw["logprobs"], tops)
        ]
        sequence = Sequence(
            text=raw["text"],
            logprob=sum(raw["logprobs"]),
            tokens=tokens,
            finish_reason={"reason": raw["finish_reason"]} if raw.get("finish_reason") else None,
        )
        completions.append(truncate_sequence(sequence, request))
    return RequestResult(
        success=True,
        embedding=[],
        completions=completions,
        cached=cached,
        request_time=response.get("request_time"),
        request_datetime=response.get("request_datetime"),
        batch_size=response.get("batch_size"),
        batch_request_time=response.get("batch_request_time"),
    )
