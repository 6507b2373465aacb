"""What every API client shares: options, credentials, the cache-then-retry call, and failure messages.

A subclass builds HELM's raw request (the cache key) and the HTTP call for a Request, and parses the stored
response. Only answers that parsed are stored, so a rerun retries exactly the requests that failed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any, ClassVar

from holistic.errors import MissingCredentialsError
from holistic.models.cache import RequestCache
from holistic.models.clients.base import Client, ClientContext
from holistic.models.clients.http import HttpSession
from holistic.models.clients.retry import ApiError, call_with_retries, shorten
from holistic.models.credentials import ENVIRONMENT_VARIABLES, scrub
from holistic.models.registry import ModelMetadata
from holistic.models.request import Request, RequestResult, failed_result

Response = dict[str, Any]

UNREACHABLE_HOLD = 30.0
"""Seconds after a server was found unreachable during which its requests fail without being tried (a long
run probes again after that, so a restarted server is picked up)."""


def with_random(raw: dict[str, Any], request: Request) -> dict[str, Any]:
    """HELM's `make_cache_key`: a set `random` makes the key unique, so the request is sampled afresh."""
    return {**raw, "random": request.random} if request.random is not None else raw


class ApiClient(Client):
    credential: ClassVar[str | None] = None
    """credentials.conf key of the API key (None: the API needs none)."""

    default_base_url: ClassVar[str] = ""
    """Where the API lives; `base_url` in model_deployments.yaml overrides it."""

    base_url_environment: ClassVar[str | None] = None
    """Environment variable that moves the API (OPENAI_BASE_URL), below a deployment's `base_url`."""

    max_concurrency = 8

    def __init__(self, model: ModelMetadata, context: ClientContext) -> None:
        super().__init__(model, context)
        self.options: dict[str, Any] = {**model.args, **context.model_options.get(model.name, {})}
        self.retry_policy = context.retry_policy.with_options(self.options)
        if self.options.get("max_concurrency"):
            self.max_concurrency = int(self.options["max_concurrency"])
        from_environment = os.environ.get(self.base_url_environment) if self.base_url_environment else None
        self.base_url = str(self.options.get("base_url") or from_environment or self.default_base_url).rstrip(
            "/"
        )
        self.organization = str(self.options.get("cache_organization") or model.organization)
        self.sleep: Callable[[float], None] = time.sleep
        self.http = HttpSession(pool_size=self.max_concurrency, timeout=self.retry_policy.timeout)
        self._unreachable: tuple[str, float] | None = None
        """(error, when) of a server found unreachable: requests soon after fail at once instead of knocking."""

    # ---- what a subclass provides ----

    def cache_keys(self, request: Request) -> list[dict[str, Any]]:
        """Every cache key `make_request` looks up for `request` (used to tell what is already answered)."""
        raise NotImplementedError

    def answer(self, request: Request) -> RequestResult:
        """Answer one request; raise ApiError for anything the provider got wrong."""
        raise NotImplementedError

    # ---- shared machinery ----

    @property
    def cache(self) -> RequestCache:
        return self.context.cache(self.organization)

    @property
    def credential_name(self) -> str | None:
        """credentials.conf key of the API key (a deployment may name its own, or none)."""
        return self.options.get("credential", self.credential)

    def key_required(self) -> bool:
        if self.options.get("api_key_optional"):
            return False
        return self.credential_name is not None or bool(self.options.get("api_key_env"))

    def api_key(self) -> str | None:
        """The API key, or None when none is configured (or none is needed)."""
        env = self.options.get("api_key_env")
        if env and os.environ.get(env):
            return os.environ[env]
        name = self.credential_name
        return self.context.credentials.get(name) if name else None

    def missing_key_message(self) -> str:
        name = self.credential_name
        env = self.options.get("api_key_env") or ENVIRONMENT_VARIABLES.get(name or "")
        if name:
            where = f"add `{name}: ...` to {self.context.credentials.source}" + (
                f" or set {env}" if env else ""
            )
            return f"missing credential {name} for {self.model.name} ({where})"
        return f"missing API key for {self.model.name} (set {env})"

    def check_credentials(self, requests: list[Request]) -> None:
        """Raise MissingCredentialsError, before anything is sent, if a request needs a key that is missing.

        Without a key, requests already in the cache can still be answered (as HELM does), so only a miss fails.
        """
        if not self.key_required() or self.api_key():
            return
        keys = [key for request in requests for key in self.cache_keys(request)]
        missing = sum(1 for found in self.cache.get_many(keys) if found is None) if keys else 0
        if missing:
            raise MissingCredentialsError(
                f"{self.missing_key_message()}: {missing} of {len(keys)} requests are not cached"
            )

    def make_request(self, request: Request) -> RequestResult:
        try:
            return self.answer(request)
        except ApiError as e:
            return self.failure(f"{self.organization} request failed: {e}")

    def failure(self, error: BaseException | str) -> RequestResult:
        result = super().failure(error)
        key = self.api_key()
        if key and result.error and len(key) >= 4:
            return failed_result(result.error.replace(key, "***"))
        return result

    def fetch(
        self,
        key: dict[str, Any],
        call: Callable[[], Response],
        validate: Callable[[Response], None] | None = None,
    ) -> tuple[Response, bool]:
        """The cached response for `key`, else `call()` with retries, validated, timed and stored."""
        found = self.cache.get(key)
        if found:
            return found, True
        if self.key_required() and not self.api_key():
            raise ApiError(f"not in the cache and {self.missing_key_message()}", retryable=False)

        if self._unreachable is not None and time.monotonic() - self._unreachable[1] < UNREACHABLE_HOLD:
            raise ApiError(self._unreachable[0], retryable=False, unreachable=True)

        def attempt() -> Response:
            start = time.time()
            response = call()
            if validate is not None:
                validate(response)
            return {**response, "request_time": time.time() - start, "request_datetime": int(start)}

        try:
            response = call_with_retries(attempt, self.retry_policy, self.sleep)
        except ApiError as e:
            if e.unreachable:
                self._unreachable = (str(e), time.monotonic())
            raise
        self.cache.put(key, response)
        return response, False

    def scrubbed(self, text: str) -> str:
        text = scrub(text, self.context.credentials)
        key = self.api_key()
        return text.replace(key, "***") if key and len(key) >= 4 else text


def require_fields(response: Response, *fields: str) -> None:
    """A response missing the fields we parse is malformed (and worth retrying), never cached."""
    for name in fields:
        if name not in response:
            raise ApiError(
                f"unexpected response without '{name}': {shorten(json.dumps(response), 200)}", retryable=True
            )
