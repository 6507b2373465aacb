"""Anthropic's Messages API: POST `<base>/messages` with `x-api-key` and `anthropic-version`.

HELM's 2022 model sat behind a research websocket that no longer exists; the Messages API is what Anthropic
serves now (`api_model` in model_deployments.yaml names the model there). It returns text but no
log-probabilities, so requests that need them (echo, max_tokens 0) fail with a clear error, and the
completion's tokens come from the model's tokenizer with log-probability 0. One call per completion.
"""

from __future__ import annotations

from typing import Any

from holistic.models.clients.api_client import ApiClient, Response, require_fields, with_random
from holistic.models.request import Request, RequestResult, Sequence, Token, truncate_sequence

API_VERSION = "2023-06-01"
FINISH_REASONS = {"end_turn": "endoftext", "stop_sequence": "stop", "max_tokens": "length"}


class AnthropicClient(ApiClient):
    credential = "anthropicApiKey"
    default_base_url = "https://api.anthropic.com/v1"
    max_concurrency = 4

    def body(self, request: Request) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": str(self.options.get("api_model") or request.engine),
            "max_tokens": request.max_tokens,
            "messages": [{"role": "user", "content": request.prompt}],
            "temperature": request.temperature,
        }
        # The API refuses whitespace-only stop sequences; those (like "\n") are applied afterwards instead.
        stops = [s for s in request.stop_sequences if s.strip()]
        if stops:
            body["stop_sequences"] = stops
        if request.top_p < 1:
            body["top_p"] = request.top_p
        return body

    def cache_keys(self, request: Request) -> list[dict[str, Any]]:
        raw = {k: v for k, v in self.body(request).items() if k != "model"}
        return [
            with_random(
                {"engine": request.engine, "echo_prompt": request.echo_prompt, "completion_index": i, **raw},
                request,
            )
            for i in range(request.num_completions)
        ]

    def answer(self, request: Request) -> RequestResult:
        if request.embedding:
            return self.failure("anthropic models have no embeddings")
        if request.echo_prompt or request.max_tokens <= 0:
            return self.failure(
                "anthropic request not sent: the Messages API returns no log-probabilities, which this run needs "
                "(echo or max_tokens 0); use a generation or multiple_choice_joint method"
            )
        body = self.body(request)
        headers = {"x-api-key": self.api_key() or "", "anthropic-version": API_VERSION}

        def call() -> Response:
            return self.http.post_json(f"{self.base_url}/messages", body, headers, self.retry_policy.timeout)

        completions: list[Sequence] = []
        all_cached, request_time, request_datetime = True, 0.0, None
        for key in self.cache_keys(request):
            response, cached = self.fetch(key, call, lambda r: require_fields(r, "content"))
            completions.append(truncate_sequence(self.parse(response), request))
            all_cached = all_cached and cached
            request_time += response.get("request_time") or 0.0
            request_datetime = request_datetime or response.get("request_datetime")
        return RequestResult(
            success=True, embedding=[], completions=completions, cached=all_cached,
            request_time=request_time, request_datetime=request_datetime,
        )  # fmt: skip

    def parse(self, response: Response) -> Sequence:
        text = "".join(block.get("text", "") for block in response["content"] if block.get("type") == "text")
        from holistic.models.tokenizers import get_tokenizer

        tokens = (
            [Token(text=piece, logprob=0.0) for piece in get_tokenizer(self.model.tokenizer).tokenize(text)]
            if text
            else []
        )
        reason = response.get("stop_reason")
        return Sequence(
            text=text,
            logprob=0.0,
            tokens=tokens,
            finish_reason={"reason": FINISH_REASONS.get(reason, reason)} if reason else None,
        )
