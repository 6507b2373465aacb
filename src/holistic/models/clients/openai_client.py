"""OpenAI and every OpenAI-compatible server (vLLM, llama.cpp, Ollama, TGI, LM Studio), over plain HTTP.

Completions (GPT-3, Codex, any server's /v1/completions), chat (/v1/chat/completions, the prompt sent as one
user message) and embeddings (text-similarity models). Cache keys are HELM's raw requests, so a HELM cache
of OpenAI answers is reused as is.

No `openai` SDK: each call is one JSON POST whose answer is stored as sent, so the SDK's typed objects would
only be converted back to JSON, its retries would be turned off for ours (retry.py) and its httpx stack
would be a second HTTP layer beside http.py. Without it `pip install holistic` runs openai/* models. Like the
SDK, OPENAI_API_KEY, OPENAI_ORG_ID and OPENAI_BASE_URL (a proxy or gateway) are honoured for openai/* models.
"""

from __future__ import annotations

import math
from typing import Any

from holistic.models.clients.api_client import ApiClient, Response, require_fields, with_random
from holistic.models.clients.base import ClientContext
from holistic.models.clients.openai_format import (
    check_echo,
    completion_body,
    echo_unsupported_message,
    parse_chat_choices,
    parse_completion_choices,
)
from holistic.models.clients.retry import ApiError
from holistic.models.registry import ModelMetadata
from holistic.models.request import Request, RequestResult, Sequence

COMPLETIONS = "completions"
CHAT = "chat"


class OpenAIClient(ApiClient):
    credential = "openaiApiKey"
    organization_credential: str | None = "openaiOrgId"
    default_base_url = "https://api.openai.com/v1"
    base_url_environment = "OPENAI_BASE_URL"
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

    # ---- HTTP ----

    def headers(self) -> dict[str, str]:
        headers = {}
        key = self.api_key()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        organization = (
            self.context.credentials.get(self.organization_credential)
            if self.organization_credential
            else None
        )
        if organization:
            headers["OpenAI-Organization"] = organization
        return headers

    def _post(self, endpoint: str, body: dict[str, Any]) -> Response:
        """POST to /completions, /chat/completions or /embeddings; return the provider's JSON as sent."""
        return self.http.post_json(f"{self.base_url}/{endpoint}", body, self.headers())


def server_root(base_url: str) -> str:
    """llama.cpp and vLLM serve /tokenize next to /v1, not under it."""
    return base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url


def server_tokenize(client: OpenAIClient, text: str) -> tuple[list[int], list[str] | None]:
    """Token ids (and pieces, where the server gives them) from the server's /tokenize, cached.

    The body carries both llama.cpp's fields (content, add_special, with_pieces) and vLLM's (prompt, model,
    add_special_tokens); each server ignores the other's.
    """

    body = {
        "model": client.api_model, "content": text, "prompt": text,
        "add_special": False, "add_special_tokens": False, "with_pieces": True,
    }  # fmt: skip
    url = f"{server_root(client.base_url)}/tokenize"
    headers = {"Authorization": f"Bearer {client.api_key()}"} if client.api_key() else {}
    response, _ = client.fetch(
        {"tokenize": text, "engine": client.api_model},
        lambda: client.http.post_json(url, body, headers, client.retry_policy.timeout),
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

    url = f"{server_root(client.base_url)}/detokenize"
    headers = {"Authorization": f"Bearer {client.api_key()}"} if client.api_key() else {}
    response, _ = client.fetch(
        {"detokenize": list(tokens), "engine": client.api_model},
        lambda: client.http.post_json(
            url, {"model": client.api_model, "tokens": list(tokens)}, headers, client.retry_policy.timeout
        ),
    )
    text = response.get("content", response.get("prompt"))
    if not isinstance(text, str):
        raise ApiError("unexpected /detokenize response (neither content nor prompt)", retryable=False)
    return text
