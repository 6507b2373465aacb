"""`huggingface/*`: local causal LMs through transformers, every request of a run in packed batches.

The executor hands over all requests at once. Cached ones are answered from `cache/huggingface.sqlite`; the
others run through the packed trie engine (holistic.models.local.engine): prompts sharing a prefix compute it
once, nothing is padded, and each finished group is stored (one commit) before the run goes on. Temperature 0
is greedy decoding; log-probabilities are the model's own (temperature 1) in float32. The model is loaded only
when something is not cached, once per process (holistic.models.local.loading).

Options (keys of a deployment in prod_env/model_deployments.yaml, so the model's args; or
`ClientContext.model_options[model]`): device (auto|cpu|cuda), dtype (auto|float32|bfloat16|float16; auto is
float32 on CPU, bfloat16 on CUDA), batch_tokens (tokens per forward pass), max_streams (completions decoded
together), num_threads (torch threads; default: torch's, which follows OMP_NUM_THREADS), implementation (auto:
Llama models on the built-in forward pass, bitwise the same as transformers' and without importing it, others
through transformers; transformers: always through transformers).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from typing import Any

from holistic.models.cache import cache_key
from holistic.models.clients.base import Client, ClientContext, ProgressCallback, local_generation_result
from holistic.models.registry import ModelMetadata
from holistic.models.request import Request, RequestResult

log = logging.getLogger(__name__)

ORGANIZATION_CACHE = "huggingface"
OPTION_NAMES = ("device", "dtype", "batch_tokens", "max_streams", "num_threads", "implementation")


class HuggingFaceClient(Client):
    batched = True
    cache_organization = ORGANIZATION_CACHE

    def __init__(self, model: ModelMetadata, context: ClientContext) -> None:
        super().__init__(model, context)
        from holistic.models.local.loading import (
            resolve_device,
            resolve_dtype,
            resolve_implementation,
            resolve_source,
        )

        # Deployments put options in the model's args; a context may add or override them.
        self.options = {key: value for key, value in model.args.items() if key in OPTION_NAMES}
        self.options.update(context.model_options.get(model.name, {}))
        self.source = resolve_source(model)
        self.device = resolve_device(self.options.get("device"))
        self.dtype = resolve_dtype(self.options.get("dtype"), self.device)
        resolve_implementation(self.options.get("implementation"))  # a wrong value fails before any work
        self._lock = threading.Lock()
        self._engine = None
        self._tokenizer = None

    # ---- cache keys and results ---------------------------------------------------------------------------

    def raw_request(self, request: Request) -> dict[str, Any]:
        """HELM's Hugging Face cache key, plus what identifies the weights and the precision."""
        raw: dict[str, Any] = {
            "engine": request.engine,
            "prompt": request.prompt,
            "temperature": request.temperature,
            "num_return_sequences": request.num_completions,
            "max_new_tokens": request.max_tokens,
            "top_p": request.top_p,
            "echo_prompt": request.echo_prompt,
            "top_k_per_token": request.top_k_per_token,
            "stop_sequences": list(request.stop_sequences),
            "weights": self.source.weights_id,
            "dtype": self.dtype,
        }
        if request.random is not None:
            raw["random"] = request.random
        return raw

    def make_request(self, request: Request) -> RequestResult:
        return self.make_requests([request])[0]

    def make_requests(
        self, requests: list[Request], progress: ProgressCallback | None = None
    ) -> list[RequestResult]:
        cache = self.context.cache(ORGANIZATION_CACHE)
        raws = [self.raw_request(r) for r in requests]
        results: list[RequestResult | None] = [None] * len(requests)
        waiting: dict[str, list[int]] = {}
        for index, (request, response) in enumerate(zip(requests, cache.get_many(raws))):
            if response:
                results[index] = local_generation_result(response, request, cached=True)
            elif request.embedding:
                results[index] = self.failure("embeddings are not supported by local Hugging Face models")
            else:
                waiting.setdefault(cache_key(raws[index]), []).append(index)
        if progress and len(requests) - sum(map(len, waiting.values())):
            progress(len(requests) - sum(map(len, waiting.values())))
        if waiting:
            firsts = [indices[0] for indices in waiting.values()]
            try:
                self._compute(
                    [requests[i] for i in firsts],
                    [raws[i] for i in firsts],
                    list(waiting.values()),
                    results,
                    progress,
                )
            except Exception as e:  # noqa: BLE001 - a load or compute failure fails the requests, not the run
                log.exception("local model %s failed", self.model.name)
                for indices in waiting.values():
                    for i in indices:
                        if results[i] is None:
                            results[i] = self.failure(e)
                            if progress:
                                progress(1)
        return results  # type: ignore[return-value]

    # ---- computing ----------------------------------------------------------------------------------------

    def tokenizer(self):
        if self._tokenizer is None:
            from holistic.models.tokenizers import get_tokenizer

            self._tokenizer = get_tokenizer(self.model.tokenizer)
        return self._tokenizer

    def engine(self):
        """The engine on the loaded model (loads the model the first time)."""
        with self._lock:
            if self._engine is None:
                from holistic.models.local.runtime import make_engine

                self._engine = make_engine(self.source, self.device, self.dtype, self.options)
            return self._engine

    def _compute(self, requests, raws, groups, results, progress) -> None:
        from holistic.models.local.jobs import JobBuilder

        builder = JobBuilder(self.tokenizer(), self.model)
        jobs, failures = [], {}
        for position, (request, raw) in enumerate(zip(requests, raws)):
            job, error = builder.build(request, _seed(raw))
            if error:
                failures[position] = error
            else:
                jobs.append((position, job))
        for position, error in failures.items():
            for i in groups[position]:
                results[i] = self.failure(error)
            if progress:
                progress(len(groups[position]))
        if not jobs:
            return
        engine = self.engine()
        cache = self.context.cache(ORGANIZATION_CACHE)
        clock = {"start": time.time()}

        def finished(done) -> None:
            now = time.time()
            elapsed = now - clock["start"]
            items = []
            for job_index, output in done:
                position, job = jobs[job_index]
                response = builder.response(requests[position], job, output)
                response.update(
                    request_time=elapsed / len(done),
                    request_datetime=int(clock["start"]),
                    batch_size=len(done),
                    batch_request_time=elapsed,
                )
                items.append((raws[position], response))
                for i in groups[position]:
                    results[i] = local_generation_result(response, requests[position], cached=False)
            cache.put_many(items)
            clock["start"] = now
            if progress:
                progress(sum(len(groups[jobs[j][0]]) for j, _ in done))

        with self._lock:
            engine.run([job for _, job in jobs], finished)


def _seed(raw: dict[str, Any]) -> int:
    # Samples depend only on the request (and `random`), never on what else was in the batch.
    return int.from_bytes(hashlib.sha256(cache_key(raw).encode()).digest()[:8], "little")
