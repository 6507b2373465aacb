"""The engine's key/value cache: layers that grow in place instead of concatenating at every pass.

transformers' DynamicLayer concatenates the whole cache with the new states at every forward pass, so a
decoding step copies every cached key and value of every layer once more (the prompts of a run and all tokens
generated so far). Here each layer keeps spare room and writes the new states after the old ones; the cache
it hands to attention is a view of the same numbers, so results do not change. When the engine drops
positions (`PackedEngine.keep_cache_positions` assigns new tensors) the next update starts a new buffer.

`new_cache` gives transformers' DynamicCache with such layers (models run by transformers); `LayerCache` is
the same thing without transformers, for the built-in Llama (llama.py).
"""

from __future__ import annotations

import functools
from typing import Any

import torch

MIN_CAPACITY = 256


def append_in_place(layer: Any, key_states: torch.Tensor, value_states: torch.Tensor):
    """Append new states to `layer.keys`/`layer.values` (which may be empty), in spare room when there is some."""
    used = layer.keys.shape[-2] if layer.keys.numel() else 0
    needed = used + key_states.shape[-2]
    buffers = layer._buffers
    # The buffers hold the cache only while `keys` is still the view this layer handed out last time.
    if buffers is None or layer.keys.data_ptr() != buffers[0].data_ptr() or needed > buffers[0].shape[-2]:
        capacity = max(MIN_CAPACITY, 2 * needed)
        buffers = tuple(
            old.new_empty((*key_states.shape[:-2], capacity, old.shape[-1] if used else new.shape[-1]))
            for old, new in ((layer.keys, key_states), (layer.values, value_states))
        )
        if used:
            buffers[0][..., :used, :] = layer.keys
            buffers[1][..., :used, :] = layer.values
        layer._buffers = buffers
    buffers[0][..., used:needed, :] = key_states
    buffers[1][..., used:needed, :] = value_states
    layer.keys = buffers[0][..., :needed, :]
    layer.values = buffers[1][..., :needed, :]
    return layer.keys, layer.values


class LayerCache:
    """One layer's keys and values (1, KVH, K, d), growing in place."""

    def __init__(self, dtype: torch.dtype, device: torch.device) -> None:
        self.keys = torch.empty(0, dtype=dtype, device=device)
        self.values = torch.empty(0, dtype=dtype, device=device)
        self._buffers: tuple[torch.Tensor, torch.Tensor] | None = None

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor):
        return append_in_place(self, key_states, value_states)


class Cache:
    """The cache of the built-in models: one `LayerCache` per layer (the engine reads `layers`)."""

    def __init__(self, layers: int, dtype: torch.dtype, device: torch.device) -> None:
        self.layers = [LayerCache(dtype, device) for _ in range(layers)]

    def get_seq_length(self) -> int:
        keys = self.layers[0].keys
        return keys.shape[-2] if keys.numel() else 0


@functools.cache
def _growing_layer() -> type:
    """transformers' DynamicLayer, growing in place (defined when first needed: transformers is imported then)."""
    from transformers.cache_utils import DynamicLayer

    class GrowingLayer(DynamicLayer):
        _buffers: tuple[torch.Tensor, torch.Tensor] | None = None

        def update(self, key_states, value_states, *args, **kwargs):
            if not self.is_initialized:
                self.lazy_initialization(key_states, value_states)
            return append_in_place(self, key_states, value_states)

    return GrowingLayer


def new_cache(config):
    """A transformers DynamicCache for `config` whose plain (full-attention) layers grow in place."""
    from transformers.cache_utils import DynamicCache, DynamicLayer

    cache = DynamicCache(config=config)
    for layer in cache.layers:
        if type(layer) is DynamicLayer:
            layer.__class__ = _growing_layer()
    return cache
