"""Retries for API calls: exponential backoff with jitter, `Retry-After`, and a per-attempt timeout.

A call either returns, or raises `ApiError`. Transient errors (429, 5xx, timeouts, dropped connections,
malformed or truncated bodies) are retried; the others (400, 401, 404, ...) fail at once, since sending
the same request again cannot change their answer. A server that cannot be reached at all (connection
refused, unknown host) gets one quick retry: it is almost always a wrong URL or a server not started, and
five backed-off attempts would only make the user wait a minute for the same line.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

T = TypeVar("T")

# Status codes worth retrying: request timeout, conflict (OpenAI uses it for overload), rate limits, server errors.
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 521, 522, 524, 529})


class ApiError(Exception):
    """A failed API call; `retryable` says whether the same call may succeed later."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        status: int | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status
        self.unreachable = unreachable
        """No connection could be made (refused, unknown host): one quick retry, not the full backoff."""


def status_error(status: int, detail: str, retry_after: str | None = None) -> ApiError:
    """The ApiError of an HTTP error status, with the server's `Retry-After` (seconds) when it sent one."""
    return ApiError(
        f"HTTP {status}: {shorten(detail)}",
        retryable=status in RETRYABLE_STATUS,
        retry_after=parse_retry_after(retry_after),
        status=status,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def shorten(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        from holistic.errors import ConfigError

        raise ConfigError(f"invalid {name}={value!r} (expected a number)") from None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    """Attempts per request, the first included (HELM: 5)."""

    initial_delay: float = 5.0
    """Seconds before the second attempt; doubles each time (HELM: 5 s multiplier)."""

    max_delay: float = 120.0
    """Cap on one backoff wait (a server's Retry-After is honoured up to `max_retry_after`)."""

    max_retry_after: float = 600.0
    """Cap on a server-requested wait, so a bogus header cannot stall a run for hours."""

    jitter: float = 0.5
    """Each wait is scaled by a random factor in [1 - jitter, 1], so parallel threads do not retry in lockstep."""

    timeout: float = 300.0
    """Seconds one attempt may take (connect plus read)."""

    unreachable_attempts: int = 2
    """Attempts when no connection can be made at all (the first included)."""

    unreachable_delay: float = 0.5
    """Seconds before retrying a refused connection or an unknown host (a server that is just starting)."""

    @classmethod
    def from_environment(cls) -> RetryPolicy:
        """Defaults, overridden by HOLISTIC_MAX_ATTEMPTS, HOLISTIC_RETRY_INITIAL_DELAY, HOLISTIC_RETRY_MAX_DELAY,
        HOLISTIC_REQUEST_TIMEOUT (tests use them to retry in milliseconds)."""
        default = cls()
        return cls(
            max_attempts=max(1, int(_env_float("HOLISTIC_MAX_ATTEMPTS", default.max_attempts))),
            initial_delay=_env_float("HOLISTIC_RETRY_INITIAL_DELAY", default.initial_delay),
            max_delay=_env_float("HOLISTIC_RETRY_MAX_DELAY", default.max_delay),
            max_retry_after=_env_float("HOLISTIC_RETRY_MAX_RETRY_AFTER", default.max_retry_after),
            timeout=_env_float("HOLISTIC_REQUEST_TIMEOUT", default.timeout),
        )

    def with_options(self, options: dict[str, Any]) -> RetryPolicy:
        """Per-deployment overrides (`timeout`, `max_attempts`) from model_deployments.yaml."""
        changes: dict[str, Any] = {}
        if options.get("timeout") is not None:
            changes["timeout"] = float(options["timeout"])
        if options.get("max_attempts") is not None:
            changes["max_attempts"] = max(1, int(options["max_attempts"]))
        return replace(self, **changes) if changes else self

    def delay(self, attempt: int, error: ApiError, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if error.unreachable:
            return min(self.unreachable_delay, self.initial_delay)
        if error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        backoff = min(self.max_delay, self.initial_delay * 2 ** (attempt - 1))
        factor = 1.0 - self.jitter * (rng or random).random()
        return backoff * factor


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `call` until it returns, a non-retryable ApiError, or the attempts run out.

    The final ApiError says how many attempts were made. Exceptions other than ApiError are bugs and propagate.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return call()
        except ApiError as error:
            limit = (
                min(policy.max_attempts, policy.unreachable_attempts)
                if error.unreachable
                else policy.max_attempts
            )
            if not error.retryable or attempt >= limit:
                if attempt > 1:
                    raise ApiError(
                        f"{error} (after {attempt} attempts)",
                        retryable=error.retryable,
                        status=error.status,
                        unreachable=error.unreachable,
                    ) from None
                raise
            sleep(policy.delay(attempt, error))
