"""Together (BLOOM, OPT, GPT-J, GPT-NeoX, T5, UL2, GLM, YaLM, T0++): offline-first, as in HELM.

Answers are looked up under HELM's raw request (`request_type: language-model-inference`, ...), so the results
Together uploaded for HELM's batch evaluation are read as they are. A request that is not cached goes to
Together's OpenAI-compatible completions API when a togetherApiKey is configured; `api_model` in
model_deployments.yaml names the model there when it differs from the engine.
"""

from __future__ import annotations

from typing import Any

from holistic.models.clients.api_client import ApiClient, Response, require_fields, with_random
from holistic.models.clients.base import ClientContext
from holistic.models.clients.http_json import post_json
from holistic.models.clients.openai_format import completion_body, parse_completion_choices
from holistic.models.registry import ModelMetadata
from holistic.models.request import Request, RequestResult


def fix_text(text: str) -> str:
    return text.replace("\u2581", " ")


class TogetherClient(ApiClient):
    credential = "togetherApiKey"
    default_base_url = "https://api.together.xyz/v1"
    max_concurrency = 4

    def raw_request(self, request: Request) -> dict[str, Any]:
        return {
            "request_type": "language-model-inference",
            "model": request.model,
            "prompt": request.prompt,
            "temperature": request.temperature,
            "n": request.num_completions,
            "max_tokens": request.max_tokens,
            "best_of": request.top_k_per_token,
            "logprobs": request.top_k_per_token,
            "stop": request.stop_sequences or None,
            "echo": request.echo_prompt,
            "top_p": request.top_p,
        }

    def cache_keys(self, request: Request) -> list[dict[str, Any]]:
        return [with_random(self.raw_request(request), request)]

    def answer(self, request: Request) -> RequestResult:
        if request.embedding:
            return self.failure("together models have no embeddings")
        api_model = str(self.options.get("api_model") or request.model)
        body = completion_body(request, api_model)

        def call() -> Response:
            return post_json(
                f"{self.base_url}/completions",
                body,
                {"Authorization": f"Bearer {self.api_key()}"},
                self.retry_policy.timeout,
            )

        response, cached = self.fetch(
            self.cache_keys(request)[0], call, lambda r: require_fields(r, "choices")
        )
        completions = parse_completion_choices(response, request, fix_text)
        timing = response.get("request_time")
        if isinstance(timing, dict):
            # HELM's offline batches record the batch, not the request.
            return RequestResult(
                success=True, embedding=[], completions=completions, cached=cached, request_time=0,
                batch_size=timing.get("batch_size"), batch_request_time=timing.get("batch_time"),
            )  # fmt: skip
        return RequestResult(
            success=True,
            embedding=[],
            completions=completions,
            cached=cached,
            request_time=response.get("raw_compute_time", timing),
            request_datetime=response.get("request_datetime"),
        )


def create_client(model: ModelMetadata, context: ClientContext) -> TogetherClient:
    return TogetherClient(model, context)
