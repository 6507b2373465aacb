"""Together (BLOOM, OPT, GPT-J, GPT-NeoX, T5, UL2, GLM, YaLM, T0++): offline-first, as in HELM.

Requests that are not cached go through the same OpenAI-compatible completions path as every OpenAI-style
server (OpenAIClient: the same body, HTTP layer, retries and parsing). What stays Together's own is only
what its protocol with HELM needs: answers are looked up under HELM's Together raw request
(`request_type: language-model-inference`, the full model name, ...), so the results Together uploaded for
HELM's batch evaluation are read as they are, and those carry the batch's timing instead of the request's.
Returned text uses SentencePiece's `▁` for spaces. `api_model` in model_deployments.yaml names the model
at Together when it differs from the model name.
"""

from __future__ import annotations

from typing import Any

from holistic.models.clients.api_client import require_fields
from holistic.models.clients.base import ClientContext
from holistic.models.clients.openai_client import COMPLETIONS, OpenAIClient
from holistic.models.clients.openai_format import parse_completion_choices
from holistic.models.registry import ModelMetadata
from holistic.models.request import Request, RequestResult


def fix_text(text: str) -> str:
    return text.replace("\u2581", " ")


class TogetherClient(OpenAIClient):
    credential = "togetherApiKey"
    organization_credential = None
    default_base_url = "https://api.together.xyz/v1"
    base_url_environment = None
    max_concurrency = 4

    def __init__(self, model: ModelMetadata, context: ClientContext) -> None:
        super().__init__(model, context)
        self.api = COMPLETIONS
        self.api_model = str(self.options.get("api_model") or model.name)

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

    def answer(self, request: Request) -> RequestResult:
        if request.embedding:
            return self.failure("together models have no embeddings")
        ((key, count),) = self._calls(request)
        response, cached = self.fetch(
            key, self._caller(request, count), lambda r: require_fields(r, "choices")
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
