"""The engine's key/value cache: transformers' DynamicCache whose full-attention layers grow in place.

transformers' DynamicLayer concatenates the whole cache with the new states at every forward pass, so a
decoding step copies every cached key and value of every layer once more (the prompts of a run and all tokens
generated so far). Here each such layer keeps spare room and writes the new states after the old ones; the
cache it hands to attention is a view of the same numbers, so results do not change. When the engine drops
positions (`PackedEngine.keep_cache_positions` assigns new tensors) the next update starts a new buffer.
"""

from __future__ import annotations

import torch
from transformers.cache_utils import DynamicCache, DynamicLayer

MIN_CAPACITY = 256


class GrowingLayer(DynamicLayer):
    _buffers: tuple[torch.Tensor, torch.Tensor] | None = None

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args, **kwargs
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        used = self.keys.shape[-2] if self.keys.numel() else 0
        needed = used + key_states.shape[-2]
        buffers = self._buffers
        # The buffers hold the cache only while `keys` is still the view this layer handed out last time.
        if buffers is None or self.keys.data_ptr() != buffers[0].data_ptr() or needed > buffers[0].shape[-2]:
            capacity = max(MIN_CAPACITY, 2 * needed)
            buffers = tuple(
                old.new_empty((*key_states.shape[:-2], capacity, old.shape[-1] if used else new.shape[-1]))
                for old, new in ((self.keys, key_states), (self.values, value_states))
            )
            if used:
                buffers[0][..., :used, :] = self.keys
                buffers[1][..., :used, :] = self.values
            self._buffers = buffers
        buffers[0][..., used:needed, :] = key_states
        buffers[1][..., used:needed, :] = value_states
        self.keys = buffers[0][..., :needed, :]
        self.values = buffers[1][..., :needed, :]
        return self.keys, self.values


def new_cache(config) -> DynamicCache:
    """A DynamicCache for `config` whose plain (full-attention) layers grow in place."""
    cache = DynamicCache(config=config)
    for layer in cache.layers:
        if type(layer) is DynamicLayer:
            layer.__class__ = GrowingLayer
    return cache
