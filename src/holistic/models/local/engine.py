"""Runs many requests on one causal LM as a packed prefix trie: shared prefixes are computed once, no padding.

Prompts are sorted so that those sharing a prefix are neighbours, and their tokens form a trie whose nodes are
each computed once. Nodes are fed to the model in chunks as one packed row: every node attends to its own
ancestors only (a custom attention mask) at position = its depth, so each prompt sees exactly what it would
see alone. The key/value cache keeps only the nodes later work still needs: the ancestors of the next node and
the prompts of streams that are still generating. Generation decodes all pending streams together, one token
per stream per step, in the same packed row; each stops at its own stop sequence, end-of-text or max_tokens.
In those steps the prompt prefix every stream shares (a trial's instructions and in-context examples) is
attended once for all streams, and only each stream's own keys are gathered (attention.py). The cache grows
in place rather than by concatenation (kvcache.py).

Log-probabilities are always those of the model's own (temperature 1) distribution, computed in float32 even
when the body runs in half precision.
"""

from __future__ import annotations

import inspect
import logging
import os
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import torch

from holistic.models.local import attention as attention_module
from holistic.models.local.trie import PackedRun
from holistic.models.local.work import (
    MIN_ROWS,
    FinishedCallback,
    Job,
    JobOutput,
    StreamOutput,
    common_prefix_length,
)

__all__ = ["FinishedCallback", "Job", "JobOutput", "PackedEngine", "StreamOutput", "common_prefix_length"]

log = logging.getLogger(__name__)

FORCE_GQA = "TRANSFORMERS_SDPA_FORCE_GQA"


class PackedEngine:
    def __init__(
        self,
        model,
        *,
        eos_ids: set[int],
        chunk_tokens: int = 512,
        max_streams: int = 64,
        kv_budget_tokens: int = 65536,
        attention_budget_bytes: int = 256 << 20,
        output_rows: int = 128,
    ) -> None:
        self.model = model
        self.body = model.base_model
        self.config = model.config
        self.device = next(model.parameters()).device
        self.eos_ids = eos_ids
        self.chunk_tokens = chunk_tokens
        self.max_streams = max_streams
        self.kv_budget_tokens = kv_budget_tokens
        self.attention_budget_bytes = attention_budget_bytes
        self.output_rows = output_rows
        self.max_positions = int(
            getattr(self.config, "max_position_embeddings", 0)
            or getattr(self.config, "n_positions", 0)
            or 1 << 30
        )
        head = model.get_output_embeddings()
        # The head runs in float32 even for half-precision bodies: log-probabilities keep full precision.
        self._head_weight = (
            head.weight if head.weight.dtype == torch.float32 else head.weight.detach().float()
        )
        bias = getattr(head, "bias", None)
        self._head_bias = None if bias is None else bias.detach().float()
        self._bool_mask = getattr(self.config, "_attn_implementation", "sdpa") != "eager"
        self._sdpa_gqa = (
            self.device.type == "cpu" and getattr(self.config, "_attn_implementation", "") == "sdpa"
        )
        # float32 on CPU: decoding steps use attention with float64 sums (attention.py).
        self._exact_attention = self._sdpa_gqa and model.dtype == torch.float32
        # The built-in Llama (llama.py) calls attention.py itself; transformers finds it by name.
        self._native = getattr(model, "native", False)
        if self._exact_attention and not self._native:
            attention_module.register()
        self.num_heads = int(getattr(self.config, "num_attention_heads", 16))
        self.packing = True
        # transformers 5.24 renamed `past_key_values` to `cache`; accept both.
        self._cache_argument = (
            "cache" if "cache" in inspect.signature(self.body.forward).parameters else "past_key_values"
        )

    # ---- model pieces -------------------------------------------------------------------------------------

    def log_softmax(self, hidden: torch.Tensor) -> torch.Tensor:
        """Float32 log-probabilities over the vocabulary for hidden states (R, H)."""
        rows = hidden.shape[0]
        if rows < MIN_ROWS:
            hidden = torch.cat([hidden, hidden.new_zeros(MIN_ROWS - rows, hidden.shape[1])])
        logits = torch.nn.functional.linear(hidden.float(), self._head_weight, self._head_bias)[:rows]
        scale = getattr(self.config, "logit_scale", None)
        if scale:
            logits = logits * scale
        divisor = getattr(self.config, "logits_scaling", None)
        if divisor:
            logits = logits / divisor
        cap = getattr(self.config, "final_logit_softcapping", None)
        if cap:
            logits = torch.tanh(logits / cap) * cap
        return torch.log_softmax(logits, dim=-1)

    def new_cache(self):
        """An empty key/value cache for `forward_packed`."""
        if self._native:
            return self.model.new_cache()
        from holistic.models.local.kvcache import new_cache

        return new_cache(self.config)

    def forward_packed(
        self, cache, tokens: list[int], positions: list[int], mask: np.ndarray | None, exact: bool = False
    ) -> torch.Tensor:
        """Feed one packed row; `mask` (T, K+T) says which keys each new token sees. Returns hidden states (T, H).

        `exact`: use the batch-invariant attention (attention.py) where it applies. Decoding steps ask for it:
        there rounding differences would compound from token to token, and their few queries make it cheap.
        Chunks of prompt tokens use torch's fused kernel, whose rounding depends on the batch by ~1e-7."""
        ids = torch.tensor([tokens], device=self.device)
        pos = torch.tensor([positions], device=self.device)
        attention = None
        if mask is not None:
            allowed = torch.from_numpy(mask).to(self.device)[None, None]
            if self._bool_mask:
                attention = allowed
            else:
                dtype = next(self.model.parameters()).dtype
                attention = torch.zeros(allowed.shape, dtype=dtype, device=self.device)
                attention.masked_fill_(~allowed, torch.finfo(dtype).min)
        kwargs = {
            "input_ids": ids,
            "position_ids": pos,
            "attention_mask": attention,
            "use_cache": True,
            self._cache_argument: cache,
        }
        if attention is not None and exact and self._exact_attention:
            # Batch-invariant attention (attention.py) for this call only: the model stays as loaded.
            with _swapped_attribute(self.config, "_attn_implementation", attention_module.NAME):
                return self.body(**kwargs).last_hidden_state[0]
        if attention is not None and self._sdpa_gqa:
            # transformers repeats grouped key/value heads whenever a mask is given (CUDA kernels need that); on
            # CPU torch's SDPA takes the groups directly, with the same result, faster, without copying the cache.
            with _swapped_environment(FORCE_GQA, "1"):
                return self.body(**kwargs).last_hidden_state[0]
        return self.body(**kwargs).last_hidden_state[0]

    @staticmethod
    def keep_cache_positions(cache, keep: torch.Tensor) -> None:
        """Drop every cached position not in `keep` (indices along the sequence axis), in place."""
        for layer in cache.layers:
            if getattr(layer, "keys", None) is not None and layer.keys.numel():
                layer.keys = layer.keys.index_select(-2, keep)
                layer.values = layer.values.index_select(-2, keep)

    # ---- token choice -------------------------------------------------------------------------------------

    def choose_token(self, logprobs: torch.Tensor, job: Job, generator: torch.Generator | None) -> int:
        """The next token: greedy at temperature 0, else sampled (top-p) with the job's own generator."""
        if job.temperature <= 0 or generator is None:
            return int(torch.argmax(logprobs))
        probs = torch.softmax(logprobs.double() / job.temperature, dim=-1)
        if job.top_p < 1:
            sorted_probs, order = torch.sort(probs, descending=True)
            before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
            sorted_probs[before >= job.top_p] = 0
            probs = torch.zeros_like(probs).scatter_(0, order, sorted_probs)
        return int(torch.multinomial(probs.cpu(), 1, generator=generator))

    # ---- the run ------------------------------------------------------------------------------------------

    @torch.inference_mode()
    def run(self, jobs: list[Job], on_finished: FinishedCallback) -> None:
        if not jobs:
            return
        if self.packing:
            PackedRun(self, jobs, on_finished).execute()
            return
        # Without packing every stream runs alone, so the model's own causal mask applies.
        for index, job in enumerate(jobs):
            sampled = job.temperature > 0 and job.max_new_tokens > 0
            singles = (
                [replace(job, num_streams=1, seed=job.seed + s) for s in range(job.num_streams)]
                if sampled
                else [job]
            )
            outputs: list[JobOutput] = []
            for single in singles:
                PackedRun(
                    self, [single], lambda done, into=outputs: into.extend(out for _, out in done)
                ).execute()
            merged = JobOutput(
                outputs[0].prompt_logprobs, outputs[0].prompt_top, [s for o in outputs for s in o.streams]
            )
            on_finished([(index, merged)])


@contextmanager
def _swapped_attribute(target, name: str, value):
    previous = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, previous)


@contextmanager
def _swapped_environment(name: str, value: str):
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous
