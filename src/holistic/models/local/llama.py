"""A built-in Llama forward pass in plain torch, so that a run of a Llama-architecture model (the bundled
SmolLM2 among them) never imports transformers.

Importing transformers' modeling code costs about 2 s of every run (modeling_utils alone pulls in
torch.distributed, sympy, accelerate and the quantizer registry), more than reading the checkpoint. The
engine needs only the decoder body: embeddings, RMSNorm, rotary positions, grouped-query attention, the SiLU
MLP and the final norm. This module computes them with the same torch operations, in the same order, as
transformers' `LlamaModel` with SDPA attention (transformers 5.x), so every hidden state is bitwise the same
(tests/models/test_builtin_llama.py checks it against transformers, packed rows and decoding steps
included). Configurations outside what is written here (other rope types, other activations, quantized
checkpoints) go to transformers (`supported`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch
import torch.nn.functional as F

from holistic.models.local import attention as attention_module
from holistic.models.local.kvcache import Cache

FORCE_GQA = "TRANSFORMERS_SDPA_FORCE_GQA"
"""Set by the engine around packed rows on CPU (engine.py); honoured here exactly as transformers does."""


def supported(config: dict[str, Any]) -> bool:
    """Whether this module computes the model of `config` (a config.json) exactly as transformers would."""
    rope = config.get("rope_parameters") or config.get("rope_scaling") or {}
    rope_type = rope.get("rope_type", rope.get("type", "default"))
    return (
        config.get("model_type") == "llama"
        and config.get("architectures", ["LlamaForCausalLM"]) == ["LlamaForCausalLM"]
        and config.get("hidden_act", "silu") == "silu"
        and rope_type == "default"
        and config.get("pretraining_tp", 1) == 1
        and "quantization_config" not in config
    )


def checkpoint_files(directory: Path) -> list[Path] | None:
    """The safetensors files of a checkpoint directory (one file or an index of shards), None if none."""
    single = directory / "model.safetensors"
    if single.is_file():
        return [single]
    index = directory / "model.safetensors.index.json"
    if index.is_file():
        shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        return [directory / shard for shard in shards]
    return None


def load(directory: Path, device: str, dtype: str) -> LlamaForCausalLM:
    """The model of a checkpoint directory whose config is `supported`."""
    from safetensors.torch import load_file

    raw = json.loads((directory / "config.json").read_text())
    files = checkpoint_files(directory)
    if files is None:
        raise ValueError(f"no safetensors checkpoint in {directory}")
    weights: dict[str, torch.Tensor] = {}
    for file in files:
        weights.update(load_file(str(file)))
    eos: list[int] = []
    generation = directory / "generation_config.json"
    for source in (raw, json.loads(generation.read_text()) if generation.is_file() else {}):
        value = source.get("eos_token_id")
        eos.extend([value] if isinstance(value, int) else list(value or []))
    return LlamaForCausalLM(raw, weights, torch.device(device), getattr(torch, dtype), set(eos))


class _Head:
    def __init__(self, weight: torch.Tensor) -> None:
        self.weight = weight
        self.bias = None


class _Layer:
    """One decoder layer's weights (biases None when the config has none)."""

    def __init__(self, take, prefix: str, bias: bool, mlp_bias: bool) -> None:
        attention, mlp = f"{prefix}.self_attn", f"{prefix}.mlp"
        self.input_norm = take(f"{prefix}.input_layernorm.weight")
        self.post_norm = take(f"{prefix}.post_attention_layernorm.weight")
        self.q, self.k, self.v, self.o = (take(f"{attention}.{n}_proj.weight") for n in "qkvo")
        self.q_bias, self.k_bias, self.v_bias, self.o_bias = (
            take(f"{attention}.{n}_proj.bias") if bias else None for n in "qkvo"
        )
        self.gate, self.up, self.down = (take(f"{mlp}.{n}_proj.weight") for n in ("gate", "up", "down"))
        self.gate_bias, self.up_bias, self.down_bias = (
            take(f"{mlp}.{n}_proj.bias") if mlp_bias else None for n in ("gate", "up", "down")
        )


class LlamaForCausalLM:
    """The parts of a transformers causal LM the engine uses: `base_model`, `config`, `dtype`, `parameters()`,
    `get_output_embeddings()`, plus `new_cache()` (the engine's in-place cache, without transformers)."""

    native = True

    def __init__(
        self,
        raw: dict[str, Any],
        weights: dict[str, torch.Tensor],
        device: torch.device,
        dtype: torch.dtype,
        eos_ids: set[int],
    ) -> None:
        # transformers' LlamaConfig defaults, for keys a config.json may leave out.
        defaults = {"max_position_embeddings": 2048, "rms_norm_eps": 1e-6, "tie_word_embeddings": False}
        self.config = SimpleNamespace(**{**defaults, **raw}, _attn_implementation="sdpa")
        self.dtype = dtype
        self.device = device
        self.eos_ids = eos_ids

        def take(name: str) -> torch.Tensor:
            return weights.pop(name).to(device=device, dtype=dtype)

        self.embed = take("model.embed_tokens.weight")
        self.head = self.embed if self.config.tie_word_embeddings else take("lm_head.weight")
        self.norm = take("model.norm.weight")
        bias, mlp_bias = bool(raw.get("attention_bias")), bool(raw.get("mlp_bias"))
        self.layers = [
            _Layer(take, f"model.layers.{i}", bias, mlp_bias) for i in range(raw["num_hidden_layers"])
        ]
        self.base_model = _Body(self)

    def parameters(self):
        seen: set[int] = set()
        for tensor in [
            self.embed,
            self.head,
            self.norm,
            *(t for layer in self.layers for t in vars(layer).values()),
        ]:
            if tensor is not None and id(tensor) not in seen:
                seen.add(id(tensor))
                yield tensor

    def get_output_embeddings(self) -> _Head:
        return _Head(self.head)

    def new_cache(self) -> Cache:
        return Cache(len(self.layers), self.dtype, self.device)


class _Body:
    """The decoder body, called as transformers' `LlamaModel` is (keyword arguments, `.last_hidden_state`)."""

    def __init__(self, model: LlamaForCausalLM) -> None:
        config = model.config
        self.model = model
        self.config = config
        self.heads = config.num_attention_heads
        self.kv_heads = getattr(config, "num_key_value_heads", None) or self.heads
        self.head_dim = getattr(config, "head_dim", None) or config.hidden_size // self.heads
        self.num_key_value_groups = self.heads // self.kv_heads
        self.scaling = self.head_dim**-0.5
        self.eps = config.rms_norm_eps
        rope = getattr(config, "rope_parameters", None) or {}
        base = rope.get("rope_theta", getattr(config, "rope_theta", 10000.0))
        dim = self.head_dim
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float) / dim))
        self.inv_freq = inv_freq.to(model.device)

    def __call__(self, **kwargs) -> SimpleNamespace:
        return self.forward(**kwargs)

    def forward(
        self,
        input_ids: torch.Tensor,
        position_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        use_cache: bool = True,
        cache: Cache | None = None,
    ) -> SimpleNamespace:
        model = self.model
        cache = cache if cache is not None else model.new_cache()
        hidden = F.embedding(input_ids, model.embed)
        freqs = position_ids[..., None].float() * self.inv_freq.to(device=hidden.device, dtype=torch.float)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(dtype=hidden.dtype), emb.sin().to(dtype=hidden.dtype)
        mask = attention_mask
        length = input_ids.shape[1]
        past = cache.get_seq_length()
        if mask is None and past and length > 1:
            # What transformers builds for SDPA when a causal row follows cached tokens (else it relies on
            # SDPA's is_causal): each new token sees the cache and the new tokens up to itself.
            rows = torch.arange(length, device=hidden.device)[:, None] + past
            mask = (torch.arange(past + length, device=hidden.device)[None, :] <= rows)[None, None]
        for layer, layer_cache in zip(model.layers, cache.layers):
            residual = hidden
            hidden = self._attention(self._norm(hidden, layer.input_norm), layer, layer_cache, cos, sin, mask)
            hidden = residual + hidden
            residual = hidden
            x = self._norm(hidden, layer.post_norm)
            x = F.linear(
                F.silu(F.linear(x, layer.gate, layer.gate_bias)) * F.linear(x, layer.up, layer.up_bias),
                layer.down,
                layer.down_bias,
            )
            hidden = residual + x
        return SimpleNamespace(last_hidden_state=self._norm(hidden, model.norm), cache=cache)

    def _norm(self, hidden: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        dtype = hidden.dtype
        hidden = hidden.to(torch.float32)
        variance = hidden.pow(2).mean(-1, keepdim=True)
        hidden = hidden * torch.rsqrt(variance + self.eps)
        return weight * hidden.to(dtype)

    def _attention(self, hidden, layer: _Layer, layer_cache, cos, sin, mask) -> torch.Tensor:
        input_shape = hidden.shape[:-1]
        shape = (*input_shape, -1, self.head_dim)
        query = F.linear(hidden, layer.q, layer.q_bias).view(shape).transpose(1, 2)
        key = F.linear(hidden, layer.k, layer.k_bias).view(shape).transpose(1, 2)
        value = F.linear(hidden, layer.v, layer.v_bias).view(shape).transpose(1, 2)
        cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
        query = (query * cos) + (_rotate_half(query) * sin)
        key = (key * cos) + (_rotate_half(key) * sin)
        key, value = layer_cache.update(key, value)
        if self.config._attn_implementation == attention_module.NAME:
            out, _ = attention_module.gathered_attention(self, query, key, value, mask, scaling=self.scaling)
        else:
            out = self._sdpa(query, key, value, mask)
        return F.linear(out.reshape(*input_shape, -1).contiguous(), layer.o, layer.o_bias)

    def _sdpa(self, query, key, value, mask) -> torch.Tensor:
        """transformers' `sdpa_attention_forward` for this model, branch for branch (its rounding depends on them)."""
        extra: dict[str, Any] = {}
        length = query.shape[2]
        groups = self.num_key_value_groups
        if groups > 1:
            if os.environ.get(FORCE_GQA, "0") == "1" or (
                mask is None and key.shape[-1] == value.shape[-1] <= 256
            ):
                extra["enable_gqa"] = True
            elif length == 1:
                batch, heads, _, dim = query.shape
                query = query.reshape(batch, heads // groups, groups, dim)
            else:
                key = _repeat_kv(key, groups)
                value = _repeat_kv(value, groups)
        out = F.scaled_dot_product_attention(
            query,
            key,
            value,
            attn_mask=mask,
            dropout_p=0.0,
            scale=self.scaling,
            is_causal=length > 1 and mask is None,
            **extra,
        )
        return out.reshape(out.shape[0], -1, length, value.shape[-1]).transpose(1, 2).contiguous()


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def _repeat_kv(states: torch.Tensor, groups: int) -> torch.Tensor:
    batch, kv_heads, length, dim = states.shape
    states = states[:, :, None, :, :].expand(batch, kv_heads, groups, length, dim)
    return states.reshape(batch, kv_heads * groups, length, dim)
