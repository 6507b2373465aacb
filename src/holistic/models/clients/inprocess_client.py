"""`inprocess`: a model object registered with `holistic.register_model`, asked in batches, behind the cache.

Requests that only score their prompt (echo with no new tokens: multiple choice by likelihood, language
modelling) go to `score`; the others to `generate`, grouped by their generation settings. Each batch is stored
in `cache/inprocess.sqlite` (keyed by model name, revision and HELM's request fields) before the next is asked,
so a crash loses nothing answered. A model's exception fails that batch's requests, not the run.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from holistic.models.cache import cache_key
from holistic.models.clients.base import Client, ProgressCallback, local_generation_result
from holistic.models.inprocess import (
    Generation,
    GenerationOptions,
    InProcessModel,
    TokenLogprob,
    model_object,
)
from holistic.models.request import Request, RequestResult

log = logging.getLogger(__name__)

ORGANIZATION_CACHE = "inprocess"


class InProcessClient(Client):
    batched = True

    def raw_request(self, request: Request) -> dict[str, Any]:
        raw: dict[str, Any] = {
            "model": self.model.name,
            "revision": self.model.args.get("revision", ""),
            "prompt": request.prompt,
            "temperature": request.temperature,
            "num_completions": request.num_completions,
            "max_tokens": request.max_tokens,
            "top_p": request.top_p,
            "echo_prompt": request.echo_prompt,
            "stop_sequences": list(request.stop_sequences),
        }
        if request.random is not None:
            raw["random"] = request.random
        return raw

    def make_request(self, request: Request) -> RequestResult:
        return self.make_requests([request])[0]

    def make_requests(
        self, requests: list[Request], progress: ProgressCallback | None = None
    ) -> list[RequestResult]:
        use_cache = bool(self.model.args.get("cache", True))
        cache = self.context.cache(ORGANIZATION_CACHE)
        raws = [self.raw_request(r) for r in requests]
        found = cache.get_many(raws) if use_cache else [None] * len(requests)
        results: list[RequestResult | None] = [None] * len(requests)
        groups: dict[Any, list[int]] = {}
        for index, (request, response) in enumerate(zip(requests, found)):
            if response:
                results[index] = local_generation_result(response, request, cached=True)
            elif request.embedding:
                results[index] = self.failure("embeddings are not supported by in-process models")
            else:
                groups.setdefault(_kind(request, raws[index]), []).append(index)
        answered = sum(r is not None for r in results)
        if progress and answered:
            progress(answered)
        model = model_object(self.model.name)
        batch_size = max(int(self.model.args.get("batch_size", 16)), 1)
        for kind, indices in groups.items():
            for start in range(0, len(indices), batch_size):
                batch = indices[start : start + batch_size]
                begin = time.time()
                try:
                    responses = self._answer(
                        model, kind, [requests[i] for i in batch], [raws[i] for i in batch]
                    )
                except Exception as e:  # noqa: BLE001 - the user's model failed: fail these requests, go on
                    log.exception("in-process model %s failed", self.model.name)
                    for i in batch:
                        results[i] = self.failure(e)
                else:
                    elapsed = time.time() - begin
                    for response in responses:
                        response.update(
                            request_time=elapsed / len(batch),
                            request_datetime=int(begin),
                            batch_size=len(batch),
                            batch_request_time=elapsed,
                        )
                    if use_cache:
                        cache.put_many([(raws[i], r) for i, r in zip(batch, responses)])
                    for i, response in zip(batch, responses):
                        results[i] = local_generation_result(response, requests[i], cached=False)
                if progress:
                    progress(len(batch))
        return results  # type: ignore[return-value]

    def _answer(
        self, model: InProcessModel, kind: Any, requests: list[Request], raws: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        prompts = [r.prompt for r in requests]
        scored: list[list[TokenLogprob]] = [[] for _ in requests]
        if requests[0].echo_prompt:
            scored = _checked(model.score(prompts), len(prompts), "score")
        if kind == "score":
            return [
                {"completions": [_completion(r.prompt, s, None, 0)] * r.num_completions}
                for r, s in zip(requests, scored)
            ]
        options = GenerationOptions(
            max_tokens=requests[0].max_tokens,
            temperature=requests[0].temperature,
            num_completions=requests[0].num_completions,
            stop_sequences=tuple(requests[0].stop_sequences),
            top_p=requests[0].top_p,
            seed=_seed(raws[0]),
        )
        generated = _checked(model.generate(prompts, options), len(prompts), "generate")
        responses = []
        for request, prompt_tokens, generations in zip(requests, scored, generated):
            if len(generations) != request.num_completions:
                raise ValueError(
                    f"generate returned {len(generations)} completions for a prompt, not {request.num_completions}"
                )
            prefix = request.prompt if request.echo_prompt else None
            responses.append(
                {
                    "completions": [
                        _completion(prefix, prompt_tokens, g, request.max_tokens) for g in generations
                    ]
                }
            )
        return responses


def _kind(request: Request, raw: dict[str, Any]) -> Any:
    """Requests answered by one call share this: scoring, or generation with the same settings."""
    if request.echo_prompt and request.max_tokens == 0:
        return "score"
    if request.temperature > 0:  # sampled: each request keeps its own seed
        return ("generate", cache_key(raw))
    return (
        "generate",
        request.echo_prompt,
        request.max_tokens,
        request.num_completions,
        tuple(request.stop_sequences),
        request.top_p,
    )


def _checked(values: list, expected: int, method: str) -> list:
    if not isinstance(values, list) or len(values) != expected:
        raise ValueError(
            f"{method} returned {type(values).__name__} of {len(values)} items for {expected} inputs"
        )
    return values


def _completion(
    prompt: str | None, prompt_tokens: list[TokenLogprob], generation: Generation | None, max_tokens: int
) -> dict[str, Any]:
    tokens = list(prompt_tokens)
    text = prompt or ""
    reason = "length"  # scoring only: the zero new tokens asked for were produced
    if generation is not None:
        tokens += list(generation.tokens) or ([TokenLogprob(generation.text, 0.0)] if generation.text else [])
        text += generation.text
        if generation.finish_reason:
            reason = generation.finish_reason
        elif generation.tokens:
            reason = "length" if len(generation.tokens) >= max_tokens else "endoftext"
        else:
            reason = "unknown"
    return {
        "text": text,
        "tokens": [t.text for t in tokens],
        "logprobs": [float(t.logprob) for t in tokens],
        "finish_reason": reason,
    }


def _seed(raw: dict[str, Any]) -> int:
    return int.from_bytes(hashlib.sha256(cache_key(raw).encode()).digest()[:8], "little")
