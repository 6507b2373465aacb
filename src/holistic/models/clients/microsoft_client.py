"""Microsoft TNLGv2 (Megatron-Turing NLG): an OpenAI-like completions API at `<base>/<engine>/inference`.

The server takes one request at a time and one completion per request, and only the first stop sequence
(the rest are applied afterwards). A file lock next to the cache serialises requests across processes, as
HELM does; without a microsoftApiKey only cached answers are available.
"""

from __future__ import annotations

import contextlib
from typing import Any

from holistic.models.clients.api_client import ApiClient, Response, with_random
from holistic.models.clients.openai_format import parse_completion_choices
from holistic.models.clients.retry import ApiError
from holistic.models.request import Request, RequestResult, Sequence


class MicrosoftClient(ApiClient):
    credential = "microsoftApiKey"
    default_base_url = "https://turingnlg-turingnlg-mstap-v2.turingase.p.azurewebsites.net"
    max_concurrency = 1

    def raw_request(self, request: Request) -> dict[str, Any]:
        return {
            "engine": request.engine,
            "prompt": request.prompt,
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "best_of": request.top_k_per_token,
            "logprobs": request.top_k_per_token,
            "stop": request.stop_sequences[0] if request.stop_sequences else None,
            "top_p": request.top_p,
            "echo": request.echo_prompt,
        }

    def cache_keys(self, request: Request) -> list[dict[str, Any]]:
        raw = self.raw_request(request)
        return [with_random({"completion_index": i, **raw}, request) for i in range(request.num_completions)]

    def answer(self, request: Request) -> RequestResult:
        if request.embedding:
            return self.failure("microsoft models have no embeddings")
        raw = self.raw_request(request)
        body = {k: v for k, v in raw.items() if k != "engine"}
        headers = {"Authorization": f"Bearer {self.api_key()}"}
        organization = self.context.credentials.get("microsoftOrgId")
        if organization:
            headers["OpenAI-Organization"] = organization

        def call() -> Response:
            with self._process_lock():
                return self.http.post_json(
                    f"{self.base_url}/{request.engine}/inference", body, headers, self.retry_policy.timeout
                )

        completions: list[Sequence] = []
        all_cached, request_time, request_datetime = True, 0.0, None
        for key in self.cache_keys(request):
            response, cached = self.fetch(key, call, _validate)
            completions += parse_completion_choices(response, request, end_of_text=False)
            all_cached = all_cached and cached
            request_time += response.get("request_time") or 0.0
            # The first completion's time is when the request was fired.
            request_datetime = request_datetime or response.get("request_datetime")
        return RequestResult(
            success=True, embedding=[], completions=completions, cached=all_cached,
            request_time=request_time, request_datetime=request_datetime,
        )  # fmt: skip

    @contextlib.contextmanager
    def _process_lock(self):
        try:
            import fcntl
        except ImportError:  # not POSIX: the in-process limit (max_concurrency 1) still holds
            yield
            return
        path = self.context.caches.directory / "microsoft.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _validate(response: Response) -> None:
    # Malformed answers (null text or logprobs) were seen from this server; never cache them.
    choices = response.get("choices") or []
    if not choices or choices[0].get("text") is None or choices[0].get("logprobs") is None:
        raise ApiError("invalid response from the MT-NLG server (no text or logprobs)", retryable=True)
