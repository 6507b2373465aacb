"""`simple/model1`: HELM's toy model. Completion k is the k-th piece of the prompt from the end.

Pieces are `prompt.split(" ")` in HELM v0.1 and whitespace-separated in HELM 0.5 (the --helm-version
profile). The cache key is HELM's raw request; 0.5 answers carry one more field, `split`, so that the two
profiles never read each other's answers.
"""

from __future__ import annotations

from holistic.models.cache import cache_key
from holistic.models.clients.base import Client
from holistic.models.request import Request, RequestResult, Sequence, Token

# Answers are instant, so requests are answered in chunks: one cache query and one commit per chunk.
CHUNK = 2048


def _raw_request(request: Request) -> dict:
    from holistic.helm_version import current

    raw: dict = {"engine": request.engine, "prompt": request.prompt, "n": request.num_completions}
    if request.random is not None:
        raw["random"] = request.random
    if current().simple_model1_splits_on_whitespace:
        raw["split"] = "whitespace"
    return raw


class SimpleClient(Client):
    batched = True
    cache_organization = "simple"

    def raw_request(self, request: Request) -> dict:
        return _raw_request(request)

    def make_request(self, request: Request) -> RequestResult:
        return self.make_requests([request])[0]

    def make_requests(self, requests: list[Request], progress=None) -> list[RequestResult]:
        cache = self.context.cache("simple")
        results: list[RequestResult] = []
        for start in range(0, len(requests), CHUNK):
            chunk = requests[start : start + CHUNK]
            raws = [_raw_request(r) for r in chunk]
            keys = [cache_key(raw) for raw in raws]
            responses = cache.get_many_by_key(keys)
            computed = []
            for i, (request, raw) in enumerate(zip(chunk, raws)):
                if responses[i] is None and request.engine == "model1":
                    responses[i] = _invoke_model1(raw)
                    computed.append((keys[i], responses[i]))
            if computed:
                cache.put_many_by_key(computed)
            for request, response in zip(chunk, responses):
                if response is None:
                    results.append(self.failure(f"ValueError: unknown simple engine {request.engine}"))
                else:
                    results.append(_to_result(response))
            if progress:
                progress(len(chunk))
        return results


def _to_result(response: dict) -> RequestResult:
    completions = [
        Sequence(
            text=text,
            logprob=logprob,
            tokens=[Token(text=text, logprob=logprob, top_logprobs=response["completions"])],
        )
        for text, logprob in response["completions"].items()
    ]
    # Deterministic fields only (no wall-clock time), so reruns and resumed runs write identical files.
    return RequestResult(success=True, embedding=[], completions=completions, cached=False, request_time=0.0)


def _invoke_model1(raw: dict) -> dict:
    pieces = raw["prompt"].split() if raw.get("split") == "whitespace" else raw["prompt"].split(" ")
    chosen = list(reversed(pieces[-raw["n"] :])) if raw["n"] > 0 else []
    completions: dict[str, float] = {}
    for i, text in enumerate(chosen):
        completions[text] = -i
    return {"completions": completions}
