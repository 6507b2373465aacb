"""The gathered attention of decoding steps: equal to SDPA, and independent of the other keys in the row."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from holistic.models.local.attention import gathered_attention  # noqa: E402


class Module(torch.nn.Module):
    num_key_value_groups = 3


def sdpa(query, key, value, mask):
    repeat = query.shape[1] // key.shape[1]
    out = torch.nn.functional.scaled_dot_product_attention(
        query, key.repeat_interleave(repeat, 1), value.repeat_interleave(repeat, 1), attn_mask=mask
    )
    return out.transpose(1, 2)


def test_equals_scaled_dot_product_attention_and_ignores_other_keys():
    generator = torch.Generator().manual_seed(0)
    queries, keys, dim = 5, 40, 16
    query = torch.randn(1, 6, queries, dim, generator=generator)
    key = torch.randn(1, 2, keys, dim, generator=generator)
    value = torch.randn(1, 2, keys, dim, generator=generator)
    mask = torch.rand(1, 1, queries, keys, generator=generator) < 0.4
    mask[..., 0] = True
    out, _ = gathered_attention(Module(), query, key, value, mask)
    assert torch.allclose(out, sdpa(query, key, value, mask), atol=1e-6)

    # The first query's keys, alone in a row: bit for bit the same output.
    own = mask[0, 0, 0].nonzero().flatten()
    alone, _ = gathered_attention(
        Module(),
        query[:, :, :1],
        key[:, :, own],
        value[:, :, own],
        torch.ones(1, 1, 1, own.numel(), dtype=torch.bool),
    )
    assert torch.equal(alone[0, 0], out[0, 0])


def test_needs_a_boolean_mask():
    query = torch.zeros(1, 3, 2, 4)
    with pytest.raises(ValueError):
        gathered_attention(Module(), query, torch.zeros(1, 1, 2, 4), torch.zeros(1, 1, 2, 4), None)


def test_keys_shared_by_every_query_give_the_same_bits_as_alone():
    # A shared prefix (the first 12 keys, seen by every query) plus each query's own keys: the split
    # computation (prefix once for all queries, the rest gathered per query) equals each query alone.
    generator = torch.Generator().manual_seed(1)
    queries, keys, dim, prefix = 6, 60, 16, 12
    query = torch.randn(1, 6, queries, dim, generator=generator)
    key = torch.randn(1, 2, keys, dim, generator=generator)
    value = torch.randn(1, 2, keys, dim, generator=generator)
    mask = torch.zeros(1, 1, queries, keys, dtype=torch.bool)
    mask[..., :prefix] = True
    for q in range(queries):
        mask[0, 0, q, prefix + 8 * q : prefix + 8 * q + 3 + q] = True
    out, _ = gathered_attention(Module(), query, key, value, mask)
    assert torch.allclose(out, sdpa(query, key, value, mask), atol=1e-6)
    for q in range(queries):
        own = mask[0, 0, q].nonzero().flatten()
        alone, _ = gathered_attention(
            Module(),
            query[:, :, q : q + 1],
            key[:, :, own],
            value[:, :, own],
            torch.ones(1, 1, 1, own.numel(), dtype=torch.bool),
        )
        assert torch.equal(alone[0, 0], out[0, q])
