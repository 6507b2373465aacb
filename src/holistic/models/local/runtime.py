"""Builds the engine for a loaded model: batch sizes from the memory at hand, threads, and a packing check."""

from __future__ import annotations

import logging
from typing import Any

from holistic.errors import ConfigError
from holistic.models.local.engine import Job, PackedEngine
from holistic.models.local.loading import (
    LoadedModel,
    ModelSource,
    available_memory_bytes,
    load_model,
    resolve_implementation,
)

log = logging.getLogger(__name__)

_CHECKED: dict[int, bool] = {}


def _positive_int(options: dict[str, Any], name: str) -> int | None:
    if name not in options:
        return None
    try:
        value = int(options[name])
    except (TypeError, ValueError):
        value = 0
    if value <= 0:
        raise ConfigError(f"option {name}={options[name]!r} must be a positive integer")
    return value


def make_engine(source: ModelSource, device: str, dtype: str, options: dict[str, Any]) -> PackedEngine:
    import torch

    threads = _positive_int(options, "num_threads")
    if threads:
        torch.set_num_threads(threads)
    loaded = load_model(source, device, dtype, resolve_implementation(options.get("implementation")))
    config = loaded.model.config
    layers = int(getattr(config, "num_hidden_layers", 0) or getattr(config, "n_layer", 12))
    heads = int(getattr(config, "num_attention_heads", 0) or getattr(config, "n_head", 12))
    kv_heads = int(getattr(config, "num_key_value_heads", 0) or heads)
    hidden = int(getattr(config, "hidden_size", 0) or getattr(config, "n_embd", 768))
    head_dim = int(getattr(config, "head_dim", 0) or hidden // heads)
    element = 4 if dtype == "float32" else 2
    kv_bytes_per_token = 2 * layers * kv_heads * head_dim * element
    if device.startswith("cuda"):
        free, _ = torch.cuda.mem_get_info(torch.device(device))
        budget, chunk, streams = free // 4, 4096, 256
    else:
        # 256-token chunks: CPU matrix products are as fast as with larger ones (docs/performance.md) while the
        # packed attention, which also computes masked pairs, does half the work of 512. The cache gets 1/8 of RAM.
        budget, chunk, streams = min(available_memory_bytes() // 8, 2 << 30), 256, 64
    engine = PackedEngine(
        loaded.model,
        eos_ids=loaded.eos_ids,
        chunk_tokens=_positive_int(options, "batch_tokens") or chunk,
        max_streams=_positive_int(options, "max_streams") or streams,
        kv_budget_tokens=max(budget // kv_bytes_per_token, 4096),
        attention_budget_bytes=max(budget // 4, 64 << 20),
    )
    # The built-in Llama honours packed rows by construction (tests/models/test_builtin_llama.py); models run
    # by transformers are checked once per process.
    engine.packing = getattr(loaded.model, "native", False) or _packing_works(engine, loaded)
    engine.loaded = loaded  # keeps the weights in load_model's (weak) table while this engine lives
    return engine


def _packing_works(engine: PackedEngine, loaded: LoadedModel) -> bool:
    """Whether the model honours packed rows (custom masks, positions), checked once per loaded model.

    Two prompts sharing a prefix run packed together and then each alone: alone, a prompt is a plain causal
    sequence, right whatever the model does with the mask; together, the second branch would see the first if
    the mask or the positions were ignored, which moves its log-probabilities by nats, not by rounding.
    """
    key = id(loaded)
    if key not in _CHECKED:
        vocab = int(getattr(loaded.model.config, "vocab_size", 1000))
        base = [(37 * i + 11) % vocab for i in range(1, 9)]
        jobs = [Job(base, echo=True), Job([*base[:4], *reversed(base[4:])], echo=True, max_new_tokens=2)]
        together: dict[int, Any] = {}
        alone: dict[int, Any] = {}
        try:
            engine.packing = True
            engine.run(jobs, lambda done: together.update(done))
            for i, job in enumerate(jobs):
                engine.run([job], lambda done, i=i: alone.update((i, out) for _, out in done))
            tolerance = 1e-3 if loaded.dtype == "float32" else 0.25
            error = max(
                abs(a - b)
                for i in range(len(jobs))
                for a, b in zip(together[i].prompt_logprobs, alone[i].prompt_logprobs)
            )
            log.debug("packing check on %s: %.2g", loaded.source.location, error)
            _CHECKED[key] = error <= tolerance
            if not _CHECKED[key]:
                log.warning(
                    "packed batches differ from single runs on %s (%.2g); running requests one at a time",
                    loaded.source.location,
                    error,
                )
        except Exception as e:  # noqa: BLE001 - architectures that reject custom masks run requests one by one
            log.warning(
                "packed batches unsupported on %s (%s); running requests one at a time",
                loaded.source.location,
                e,
            )
            _CHECKED[key] = False
    return _CHECKED[key]
