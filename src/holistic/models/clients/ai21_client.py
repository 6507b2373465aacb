"""AI21 Jurassic-1: POST `<base>/<engine>/complete` (Bearer key); the prompt's tokens come back with every answer.

Token texts use SentencePiece's `▁` for spaces and `<|newline|>` for newlines, and a zero-width `▁` may open
a sequence; each token is cut to the length of its text range so the tokens spell the text exactly.
"""

from __future__ import annotations

from typing import Any

from holistic.models.clients.api_client import ApiClient, Response, require_fields, with_random
from holistic.models.request import Request, RequestResult, Sequence, Token, truncate_sequence


class AI21Client(ApiClient):
    credential = "ai21ApiKey"
    default_base_url = "https://api.ai21.com/studio/v1"
    max_concurrency = 4

    def raw_request(self, request: Request) -> dict[str, Any]:
        return {
            "prompt": request.prompt,
            "temperature": request.temperature,
            "numResults": request.num_completions,
            "topKReturn": request.top_k_per_token,
            "topP": request.top_p,
            "maxTokens": request.max_tokens,
            "stopSequences": request.stop_sequences,
        }

    def cache_keys(self, request: Request) -> list[dict[str, Any]]:
        # The engine is part of the key: the raw request alone does not say which model answered.
        return [with_random({"engine": request.engine, **self.raw_request(request)}, request)]

    def answer(self, request: Request) -> RequestResult:
        if request.embedding:
            return self.failure("ai21 models have no embeddings")
        raw = self.raw_request(request)
        url = str(self.options.get("completion_url") or f"{self.base_url}/{request.engine}/complete")

        def call() -> Response:
            return self.http.post_json(
                url, raw, {"Authorization": f"Bearer {self.api_key()}"}, self.retry_policy.timeout
            )

        response, cached = self.fetch(
            self.cache_keys(request)[0], call, lambda r: require_fields(r, "completions", "prompt")
        )
        prompt = parse_sequence(response["prompt"], first=True)
        completions = []
        for raw_completion in response["completions"]:
            completion = parse_sequence(
                raw_completion["data"], first=False, finish_reason=raw_completion.get("finishReason")
            )
            completion = truncate_sequence(completion, request)
            completions.append(concatenate(prompt, completion) if request.echo_prompt else completion)
        return RequestResult(
            success=True, embedding=[], completions=completions, cached=cached,
            request_time=response.get("request_time"), request_datetime=response.get("request_datetime"),
        )  # fmt: skip


def fix_text(text: str, first: bool) -> str:
    text = text.replace("\u2581", " ").replace("<|newline|>", "\n")
    # The first token of the prompt sometimes starts with a space that is not in the prompt.
    return text[1:] if first and text.startswith(" ") else text


def parse_token(raw: dict[str, Any], first: bool) -> Token:
    length = raw["textRange"]["end"] - raw["textRange"]["start"]
    generated = raw["generatedToken"]
    # AI21's `raw_logprob` is the unscaled log-probability (`logprob` is temperature-scaled).
    top = {
        fix_text(t["token"], first): t.get("raw_logprob", t.get("logprob", 0.0))
        for t in raw.get("topTokens") or []
    }
    text = fix_text(generated["token"], first)[-length:] if length else ""
    return Token(
        text=text, logprob=generated.get("raw_logprob", generated.get("logprob", 0.0)), top_logprobs=top
    )


def parse_sequence(raw: dict[str, Any], first: bool, finish_reason: dict[str, Any] | None = None) -> Sequence:
    tokens = [parse_token(token, first and i == 0) for i, token in enumerate(raw["tokens"])]
    return Sequence(
        text=raw["text"], logprob=sum(t.logprob for t in tokens), tokens=tokens, finish_reason=finish_reason
    )


def concatenate(prompt: Sequence, completion: Sequence) -> Sequence:
    return Sequence(
        text=prompt.text + completion.text,
        logprob=prompt.logprob + completion.logprob,
        tokens=prompt.tokens + completion.tokens,
        finish_reason=completion.finish_reason,
    )


# AI21 tokenizes at most this many characters per call; longer texts go in chunks.
TOKENIZE_CHUNK = 40_000


def tokenize(client: AI21Client, text: str) -> list[str]:
    """AI21's tokens of `text` as the substrings they cover (so joining them gives the text back), cached."""
    pieces: list[str] = []
    for start in range(0, len(text), TOKENIZE_CHUNK):
        chunk = text[start : start + TOKENIZE_CHUNK]
        url = f"{client.base_url}/tokenize"

        def call(chunk: str = chunk, url: str = url) -> Response:
            return client.http.post_json(
                url,
                {"text": chunk},
                {"Authorization": f"Bearer {client.api_key()}"},
                client.retry_policy.timeout,
            )

        response, _ = client.fetch({"text": chunk}, call, lambda r: require_fields(r, "tokens"))
        pieces += [chunk[t["textRange"]["start"] : t["textRange"]["end"]] for t in response["tokens"]]
    return [p for p in pieces if p]
