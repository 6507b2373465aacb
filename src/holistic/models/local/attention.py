"""Attention for the decoding steps of packed rows: each query over its own keys only, batch-invariant.

In a packed row every new token attends to its ancestors among many other (masked) keys. Fused kernels sum
over key blocks, so where the masked keys fall changes the rounding of each output by ~1e-7; over 30 layers
and token after token that becomes ~1e-5 in log-probabilities, and a request's completion would depend on
what it was batched with. Here attention runs in float64 over each query's allowed keys only: products of
float32 numbers are exact in float64 and the rounding of its sums (whatever order the kernels choose) is far
below what the float32 result keeps, so the output is the same whatever else was in the batch.

The keys are split in two (prefix sharing, as in cascade attention): those every query of the row sees (the
instructions and in-context examples all prompts of a trial share) are multiplied once, with all queries in
one matrix product; only the rest (each prompt's own suffix and its generated tokens) is gathered per query,
in order, to the front of the query's own row (padding after it). One softmax runs over both parts.
"""

from __future__ import annotations

import torch

NAME = "holistic_gathered"


class _Layout:
    """Which keys every query sees, and each query's other keys; one per mask (every layer gets the same)."""

    def __init__(self, mask: torch.Tensor, keys: int) -> None:
        self.mask = mask
        allowed = mask[0, 0, :, :keys]
        shared = allowed.all(dim=0)
        self.shared = shared.nonzero().flatten()
        rest = allowed & ~shared
        counts = rest.sum(dim=1)
        longest = int(counts.max())
        # A stable sort of "not allowed" puts the allowed columns first, in their order.
        self.rest = torch.sort((~rest).to(torch.uint8), dim=1, stable=True).indices[:, :longest]
        self.rest_flat = self.rest.flatten()
        self.valid = torch.arange(longest, device=mask.device)[None, :] < counts[:, None]


_LAST: list[_Layout] = []


def _layout(mask: torch.Tensor, keys: int) -> _Layout:
    if _LAST and _LAST[0].mask is mask:
        return _LAST[0]
    layout = _Layout(mask, keys)
    _LAST[:] = [layout]
    return layout


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
    layout = _layout(attention_mask, key.shape[2])
    q = query[0].view(kv_heads, groups, length, dim).transpose(1, 2).double()  # (KVH, T, groups, d)
    shared = layout.shared.numel()
    rest = layout.rest.shape[1]
    # index_select: torch's advanced indexing is several times slower for this gather.
    shared_keys = key[0].index_select(1, layout.shared).double()  # (KVH, S, d)
    shared_values = value[0].index_select(1, layout.shared).double()
    rest_keys = key[0].index_select(1, layout.rest_flat).double().view(kv_heads, length, rest, dim)
    rest_values = value[0].index_select(1, layout.rest_flat).double().view(kv_heads, length, rest, dim)
    scores = torch.cat(
        [
            torch.matmul(q.reshape(kv_heads, length * groups, dim), shared_keys.transpose(-1, -2)).view(
                kv_heads, length, groups, shared
            ),
            torch.matmul(q, rest_keys.transpose(-1, -2)),
        ],
        dim=-1,
    ).mul_(scale)  # (KVH, T, groups, S + R)
    softcap = kwargs.get("softcap")
    if softcap:
        scores = torch.tanh(scores / softcap) * softcap
    scores[..., shared:].masked_fill_(~layout.valid[None, :, None, :], float("-inf"))
    weights = scores.sub_(scores.amax(dim=-1, keepdim=True)).exp_()
    out = torch.matmul(weights[..., :shared].reshape(kv_heads, length * groups, shared), shared_values).view(
        kv_heads, length, groups, dim
    )
    out.add_(torch.matmul(weights[..., shared:], rest_values))
    out.div_(weights.sum(dim=-1, keepdim=True))  # (KVH, T, groups, d)
    out = out.to(query.dtype).permute(1, 0, 2, 3).reshape(length, heads, dim)
    return out.unsqueeze(0), None


def register() -> None:
    from transformers import AttentionInterface

    AttentionInterface.register(NAME, gathered_attention)
