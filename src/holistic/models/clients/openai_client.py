"""OpenAI and every OpenAI-compatible server (vLLM, llama.cpp, Ollama, TGI, LM Studio), through the `openai` SDK.

Completions (GPT-3, Codex, any server's /v1/completions), chat (/v1/chat/completions, the prompt sent as one
user message) and embeddings (text-similarity models). Cache keys are HELM's raw requests, so a HELM cache
of OpenAI answers is reused as is. The SDK's own retries are off: retries are ours (retry.py), the same for
every provider.
"""

from __future__ import annotations

import logging
import math
import threading
from typing import Any

from holistic.models.clients.api_client import ApiClient, Response, require_fields, with_random
from holistic.models.clients.base import ClientContext
from holistic.models.clients.http_json import decode_json_object
from holistic.models.clients.openai_format import (
    check_echo,
    completion_body,
    echo_unsupported_message,
    parse_chat_choices,
    parse_completion_choices,
)
from holistic.models.clients.retry import ApiError, shorten, status_error
from holistic.models.registry import ModelMetadata
from holistic.models.request import Request, RequestResult, Sequence

COMPLETIONS = "completions"
CHAT = "chat"


class OpenAIClient(ApiClient):
    credential = "openaiApiKey"
    organization_credential: str | None = "openaiOrgId"
    default_base_url = "https://api.openai.com/v1"
    include_best_of = True
    """GooseAI has no best_of: neither in its requests nor in its cache keys."""

    def __init__(self, model: ModelMetadata, context: ClientContext) -> None:
        super().__init__(model, context)
        self.api = str(self.options.get("api", COMPLETIONS))
        if self.api not in (COMPLETIONS, CHAT):
            from holistic.errors import ConfigError

            raise ConfigError(f"invalid api '{self.api}' for {model.name} (expected completions or chat)")
        self.api_model = str(self.options.get("api_model") or model.engine)
        # None or 0: all completions in one call.
        per_call = self.options.get("max_completions_per_request")
        self.completions_per_call: int | None = int(per_call) if per_call else None
        self.echo_supported = bool(self.options.get("supports_echo", True))
        self.chat_logprobs = bool(self.options.get("chat_logprobs", True))
        self._sdk_client: Any = None
        self._sdk_lock = threading.Lock()

    # ---- cache keys (HELM's raw requests) ----

    def raw_request(self, request: Request) -> dict[str, Any]:
        if request.embedding:
            return {"input": request.prompt, "engine": request.engine}
        n = request.num_completions
        if self.api == CHAT:
            raw: dict[str, Any] = {
                "engine": request.engine,
                "messages": [{"role": "user", "content": request.prompt}],
                "temperature": request.temperature,
                "n": n,
                "max_tokens": request.max_tokens,
                "stop": request.stop_sequences or None,
                "top_p": request.top_p,
                "presence_penalty": request.presence_penalty,
                "frequency_penalty": request.frequency_penalty,
            }
            if self.chat_logprobs:
                raw["top_logprobs"] = request.top_k_per_token
            return raw
        raw = {
            "engine": request.engine,
            "prompt": request.prompt,
            "temperature": request.temperature,
            "n": n,
            "max_tokens": request.max_tokens,
            "best_of": max(request.top_k_per_token, n),
            "logprobs": max(request.top_k_per_token, n),
            "stop": request.stop_sequences or None,
            "top_p": request.top_p,
            "presence_penalty": request.presence_penalty,
            "frequency_penalty": request.frequency_penalty,
            "echo": request.echo_prompt,
        }
        if not self.include_best_of:
            del raw["best_of"]
        return raw

    def _calls(self, request: Request) -> list[tuple[dict[str, Any], int]]:
        """(cache key, completions) of each call: servers that return one completion per call get n calls."""
        raw = self.raw_request(request)
        per_call = self.completions_per_call
        if request.embedding or per_call is None or request.num_completions <= per_call:
            return [(with_random(raw, request), request.num_completions)]
        calls = []
        for index in range(math.ceil(request.num_completions / per_call)):
            count = min(per_call, request.num_completions - index * per_call)
            calls.append((with_random({"completion_index": index, **raw, "n": count}, request), count))
        return calls

    def cache_keys(self, request: Request) -> list[dict[str, Any]]:
        return [key for key, _ in self._calls(request)]

    # ---- answering ----

    def answer(self, request: Request) -> RequestResult:
        if request.embedding:
            key = with_random(self.raw_request(request), request)
            response, cached = self.fetch(
                key,
                lambda: self._post(
                    # The SDK would ask for base64, which only its own parser decodes.
                    "embeddings",
                    {"model": self.api_model, "input": request.prompt, "encoding_format": "float"},
                ),
            )
            require_fields(response, "data")
            return RequestResult(
                success=True,
                embedding=list(response["data"][0]["embedding"]),
                completions=[],
                cached=cached,
                request_time=response.get("request_time"),
                request_datetime=response.get("request_datetime"),
            )
        if request.echo_prompt and (self.api == CHAT or not self.echo_supported):
            raise ApiError(echo_unsupported_message(self._server_name()), retryable=False)
        completions: list[Sequence] = []
        all_cached = True
        request_time = 0.0
        request_datetime = None
        for key, count in self._calls(request):
            response, cached = self.fetch(key, self._caller(request, count), self._validator(request))
            if self.api == CHAT:
                completions += parse_chat_choices(response, request)
            else:
                completions += parse_completion_choices(response, request, self.fix_text)
            all_cached = all_cached and cached
            request_time += response.get("request_time") or 0.0
            request_datetime = request_datetime or response.get("request_datetime")
        return RequestResult(
            success=True,
            embedding=[],
            completions=completions,
            cached=all_cached,
            request_time=request_time,
            request_datetime=request_datetime,
        )

    fix_text = None
    """Provider-specific clean-up of returned text (Together: `▁` to space)."""

    def _caller(self, request: Request, count: int):
        if self.api == CHAT:
            body: dict[str, Any] = {
                "model": self.api_model,
                "messages": [{"role": "user", "content": request.prompt}],
                "temperature": request.temperature,
                "n": count,
                "max_tokens": request.max_tokens,
                "top_p": request.top_p,
                "presence_penalty": request.presence_penalty,
                "frequency_penalty": request.frequency_penalty,
            }
            if request.stop_sequences:
                body["stop"] = request.stop_sequences
            if self.chat_logprobs:
                body["logprobs"] = True
                body["top_logprobs"] = request.top_k_per_token
            return lambda: self._post("chat/completions", body)
        body = completion_body(request, self.api_model, best_of=self.include_best_of)
        body["n"] = count
        body["logprobs"] = max(request.top_k_per_token, count)
        return lambda: self._post("completions", body)

    def _validator(self, request: Request):
        def validate(response: Response) -> None:
            require_fields(response, "choices")
            if request.echo_prompt:
                try:
                    check_echo(response, request, self._server_name())
                except ApiError:
                    # Every other echo request to this server would fail the same way: stop sending them.
                    self.echo_supported = False
                    raise

        return validate

    def _server_name(self) -> str:
        return f"the server of {self.model.name} ({self.base_url})"

    # ---- the SDK ----

    def _sdk(self) -> Any:
        with self._sdk_lock:
            if self._sdk_client is None:
                import openai

                # The SDK logs every request at INFO through httpx; the progress bar says enough.
                for name in ("httpx", "httpx2", "httpcore", "httpcore2", "openai"):
                    logging.getLogger(name).setLevel(logging.WARNING)
                organization = (
                    self.context.credentials.get(self.organization_credential)
                    if self.organization_credential
                    else None
                )
                self._sdk_client = openai.OpenAI(
                    # Local servers need no key, but the SDK insists on one.
                    api_key=self.api_key() or "EMPTY",
                    organization=organization or None,
                    base_url=self.base_url,
                    max_retries=0,
                    timeout=self.retry_policy.timeout,
                )
            return self._sdk_client

    def _post(self, endpoint: str, body: dict[str, Any]) -> Response:
        """POST to /completions, /chat/completions or /embeddings; return the provider's JSON as sent."""
        import openai

        client = self._sdk()
        resource = {
            "completions": client.completions,
            "chat/completions": client.chat.completions,
            "embeddings": client.embeddings,
        }[endpoint]
        known, extra = _split_known_fields(endpoint, body)
        try:
            raw = resource.with_raw_response.create(**known, extra_body=extra or None)
            text = raw.text
        except openai.APIStatusError as e:
            detail = e.response.text if e.response is not None else str(e)
            raise status_error(
                e.status_code,
                detail,
                e.response.headers.get("retry-after") if e.response is not None else None,
            ) from None
        except openai.APITimeoutError:
            raise ApiError(f"timed out after {self.retry_policy.timeout:g} s", retryable=True) from None
        except openai.APIConnectionError as e:
            cause = e.__cause__ or e
            raise ApiError(
                f"connection failed: {type(cause).__name__}: {shorten(str(cause), 200)}", retryable=True
            ) from None
        except openai.OpenAIError as e:
            raise ApiError(f"{type(e).__name__}: {shorten(str(e), 300)}", retryable=False) from None
        return decode_json_object(text)


# Fields the SDK's create() takes as arguments; anything else travels in extra_body.
_KNOWN_FIELDS = {
    "completions": {
        "model",
        "prompt",
        "best_of",
        "echo",
        "frequency_penalty",
        "logprobs",
        "max_tokens",
        "n",
        "presence_penalty",
        "stop",
        "temperature",
        "top_p",
    },
    "chat/completions": {
        "model",
        "messages",
        "frequency_penalty",
        "logprobs",
        "top_logprobs",
        "max_tokens",
        "n",
        "presence_penalty",
        "stop",
        "temperature",
        "top_p",
    },
    "embeddings": {"model", "input", "encoding_format"},
}


def _split_known_fields(endpoint: str, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    known = {k: v for k, v in body.items() if k in _KNOWN_FIELDS[endpoint]}
    extra = {k: v for k, v in body.items() if k not in _KNOWN_FIELDS[endpoint]}
    return known, extra


def create_client(model: ModelMetadata, context: ClientContext) -> OpenAIClient:
    return OpenAIClient(model, context)


def server_root(base_url: str) -> str:
    """llama.cpp and vLLM serve /tokenize next to /v1, not under it."""
    return base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url


def server_tokenize(client: OpenAIClient, text: str) -> tuple[list[int], list[str] | None]:
    """Token ids (and pieces, where the server gives them) from the server's /tokenize, cached.

    The body carries both llama.cpp's fields (content, add_special, with_pieces) and vLLM's (prompt, model,
    add_special_tokens); each server ignores the other's.
    """
    from holistic.models.clients.http_json import post_json

    body = {
        "model": client.api_model, "content": text, "prompt": text,
        "add_special": False, "add_special_tokens": False, "with_pieces": True,
    }  # fmt: skip
    url = f"{server_root(client.base_url)}/tokenize"
    headers = {"Authorization": f"Bearer {client.api_key()}"} if client.api_key() else {}
    response, _ = client.fetch(
        {"tokenize": text, "engine": client.api_model},
        lambda: post_json(url, body, headers, client.retry_policy.timeout),
        lambda r: require_fields(r, "tokens"),
    )
    tokens = response["tokens"]
    if tokens and isinstance(tokens[0], dict):
        return [t["id"] for t in tokens], [
            t["piece"] if isinstance(t["piece"], str) else bytes(t["piece"]).decode("utf-8", "replace")
            for t in tokens
        ]
    return list(tokens), response.get("token_strs")


def server_detokenize(client: OpenAIClient, tokens: list[int]) -> str:
    """Text of token ids from the server's /detokenize (llama.cpp answers `content`, vLLM `prompt`), cached."""
    from holistic.models.clients.http_json import post_json

    url = f"{server_root(client.base_url)}/detokenize"
    headers = {"Authorization": f"Bearer {client.api_key()}"} if client.api_key() else {}
    response, _ = client.fetch(
        {"detokenize": list(tokens), "engine": client.api_model},
        lambda: post_json(
            url, {"model": client.api_model, "tokens": list(tokens)}, headers, client.retry_policy.timeout
        ),
    )
    text = response.get("content", response.get("prompt"))
    if not isinstance(text, str):
        raise ApiError("unexpected /detokenize response (neither content nor prompt)", retryable=False)
    return text
