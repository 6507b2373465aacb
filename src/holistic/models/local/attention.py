"""Attention for the decoding steps of packed rows: each query over its own keys only, batch-invariant.

In a packed row every new token attends to its ancestors among many other (masked) keys. Fused kernels sum
over key blocks, so where the masked keys fall changes the rounding of each output by ~1e-7; over 30 layers
and token after token that becomes ~1e-5 in log-probabilities, and a request's completion would depend on
what it was batched with. Here each query's allowed keys are gathered, in order, to the front of its own row
(padding after them) and the attention runs in float64: the float32 output is the same whatever else was
in the batch. With few queries per step (one per generating stream) the gather also skips the masked keys'
work altogether, so this costs about what torch's fused kernel costs on the whole row.
"""

from __future__ import annotations

import torch

NAME = "holistic_gathered"

_INDEX: dict[str, tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}


def _gather_index(mask: torch.Tensor, keys: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(T, L) indices of each query's allowed keys in order, padded, and which of them are real."""
    cached = _INDEX.get("last")
    if cached is not None and cached[0] is mask:  # every layer of one forward pass gets the same mask
        return cached[1], cached[2]
    allowed = mask[0, 0, :, :keys]
    counts = allowed.sum(dim=1)
    longest = int(counts.max())
    # A stable sort of "not allowed" puts the allowed columns first, in their order.
    index = torch.sort((~allowed).to(torch.uint8), dim=1, stable=True).indices[:, :longest]
    valid = torch.arange(longest, device=mask.device)[None, :] < counts[:, None]
    _INDEX["last"] = (mask, index, valid)
    return index, valid


def gathered_attention(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    dropout: float = 0.0,
    scaling: float | None = None,
    **kwargs,
) -> tuple[torch.Tensor, None]:
    """transformers' attention-function signature: query (1, H, T, d), key/value (1, KVH, K, d), bool mask."""
    if attention_mask is None or attention_mask.dtype != torch.bool or query.shape[0] != 1:
        raise ValueError("gathered attention needs the engine's packed row and boolean mask")
    _, heads, length, dim = query.shape
    kv_heads = key.shape[1]
    groups = heads // kv_heads
    scale = scaling if scaling is not None else dim**-0.5
    index, valid = _gather_index(attention_mask, key.shape[2])
    keys = key[0][:, index].double()  # (KVH, T, L, d)
    values = value[0][:, index].double()
    q = query[0].view(kv_heads, groups, length, dim).transpose(1, 2).double()  # (KVH, T, groups, d)
    # float64 throughout: products of float32 numbers are exact in it, and its sums' rounding (whatever order
    # the kernels choose for these shapes) is far below what the float32 result keeps.
    scores = torch.matmul(q, keys.transpose(-1, -2)).mul_(scale)  # (KVH, T, groups, L)
    softcap = kwargs.get("softcap")
    if softcap:
        scores = torch.tanh(scores / softcap) * softcap
    scores.masked_fill_(~valid[None, :, None, :], float("-inf"))
    weights = scores.sub_(scores.amax(dim=-1, keepdim=True)).exp_()
    out = torch.matmul(weights, values).div_(weights.sum(dim=-1, keepdim=True))  # (KVH, T, groups, d)
    out = out.to(query.dtype).permute(1, 0, 2, 3).reshape(length, heads, dim)
    return out.unsqueeze(0), None


def register() -> None:
    from transformers import AttentionInterface

    AttentionInterface.register(NAME, gathered_attention)
