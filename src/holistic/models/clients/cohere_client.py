"""Cohere's generate API (HELM's 2022 Cohere models): POST `<base>/generate`, `Cohere-Version: 2021-11-08`.

Cohere returns no top alternatives and no finish reason; with echo (`return_likelihoods: ALL`) it returns the
prompt's token likelihoods but not the prompt text, which is prepended here. Cache keys carry no `random`.
"""

from __future__ import annotations

from typing import Any

from holistic.models.clients.api_client import ApiClient, Response, require_fields
from holistic.models.request import Request, RequestResult, Sequence, Token, truncate_sequence

API_VERSION = "2021-11-08"


class CohereClient(ApiClient):
    credential = "cohereApiKey"
    default_base_url = "https://api.cohere.ai"
    max_concurrency = 4

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"BEARER {self.api_key()}", "Cohere-Version": API_VERSION}

    def raw_request(self, request: Request) -> dict[str, Any]:
        return {
            "prompt": request.prompt,
            "max_tokens": request.max_tokens,
            "model": request.engine,
            "temperature": request.temperature,
            "num_generations": request.num_completions,
            "k": request.top_k_per_token,
            "p": request.top_p,
            "frequency_penalty": request.frequency_penalty,
            "presence_penalty": request.presence_penalty,
            "stop_sequences": request.stop_sequences,
            "return_likelihoods": "ALL" if request.echo_prompt else "GENERATION",
        }

    def cache_keys(self, request: Request) -> list[dict[str, Any]]:
        return [self.raw_request(request)]

    def answer(self, request: Request) -> RequestResult:
        if request.embedding:
            return self.failure("cohere models have no embeddings here")
        problem = invalid_request(request)
        if problem:
            return self.failure(f"cohere request not sent: {problem}")
        raw = self.raw_request(request)

        def call() -> Response:
            return self.http.post_json(
                f"{self.base_url}/generate", raw, self.headers(), self.retry_policy.timeout
            )

        response, cached = self.fetch(raw, call, lambda r: require_fields(r, "generations"))
        completions = [parse_generation(g, request) for g in response["generations"]]
        return RequestResult(
            success=True, embedding=[], completions=completions, cached=cached,
            request_time=response.get("request_time"), request_datetime=response.get("request_datetime"),
        )  # fmt: skip


def invalid_request(request: Request) -> str | None:
    """Why Cohere would refuse the request (its documented ranges), or None."""
    if not request.echo_prompt and request.max_tokens <= 0:
        return "max_tokens must be positive unless echo_prompt is set"
    if not 0.0 <= request.temperature <= 5.0:
        return f"temperature {request.temperature} outside [0, 5]"
    if not 0 <= request.num_completions <= 5:
        return f"num_completions {request.num_completions} outside [0, 5]"
    if not 0 <= request.top_k_per_token <= 500:
        return f"top_k_per_token {request.top_k_per_token} outside [0, 500]"
    if not 0.0 <= request.top_p <= 1.0:
        return f"top_p {request.top_p} outside [0, 1]"
    if not 0.0 <= request.frequency_penalty <= 1.0 or not 0.0 <= request.presence_penalty <= 1.0:
        return "frequency and presence penalties must lie in [0, 1]"
    return None


def parse_generation(generation: dict[str, Any], request: Request) -> Sequence:
    # Cohere's `likelihood` per token is a log-probability; the first prompt token has none (counted as 0).
    tokens = [
        Token(text=t["token"], logprob=t.get("likelihood", 0.0), top_logprobs={})
        for t in generation.get("token_likelihoods") or []
    ]
    text = generation["text"]
    if request.echo_prompt and request.max_tokens > 0:
        text = request.prompt + text
    sequence = Sequence(text=text, logprob=sum(t.logprob for t in tokens), tokens=tokens)
    return truncate_sequence(sequence, request)


# Cohere's tokenize endpoint takes at most 65,536 characters; chunks stay well below.
TOKENIZE_CHUNK = 50_000


def tokenize(client: CohereClient, text: str) -> list[str]:
    """Cohere's token strings of `text` (decoding is their concatenation), cached."""
    pieces: list[str] = []
    for start in range(0, len(text), TOKENIZE_CHUNK):
        chunk = text[start : start + TOKENIZE_CHUNK]

        def call(chunk: str = chunk) -> Response:
            return client.http.post_json(
                f"{client.base_url}/tokenize", {"text": chunk}, client.headers(), client.retry_policy.timeout
            )

        response, _ = client.fetch({"text": chunk}, call, lambda r: require_fields(r, "token_strings"))
        pieces += list(response["token_strings"])
    return pieces
