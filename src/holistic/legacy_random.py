"""NumPy's legacy `RandomState(seed)` draws that HELM's scenarios and sampling make, without importing NumPy.

The legacy stream is frozen by NumPy's policy (NEP 19): a Mersenne Twister seeded by Knuth's initialisation
(`mt19937_seed`), whose bounded integer draws (`randint`, `choice` with replacement, `shuffle`, `permutation`)
all turn 32-bit outputs into an integer in [0, top] the same way: mask the output to the smallest all-ones
number covering `top` and keep the first that falls in range. CPython's `random.Random` runs the same
generator, so with its state set as NumPy seeds it, `getrandbits(32)` yields NumPy's outputs, without NumPy's
import (a tenth of a second of a helm-run) or its per-call cost (most of synthetic_reasoning's generation).
"""

from __future__ import annotations

import functools
import random
from typing import Any


class LegacyRandomState:
    """The draws of `numpy.random.RandomState(seed)` that holistic needs, number for number."""

    def __init__(self, seed: int) -> None:
        if not 0 <= seed < 1 << 32:
            raise ValueError(f"seed {seed} out of range (0 to 2**32 - 1, as NumPy's)")
        generator = random.Random()
        generator.setstate(_seeded_state(seed))
        self._draw = generator.getrandbits

    def interval(self, top: int) -> int:
        """Uniform in [0, top], as NumPy's legacy bounded draws (nothing is drawn when top is 0)."""
        if top == 0:
            return 0
        mask = (1 << top.bit_length()) - 1
        draw = self._draw
        value = draw(32) & mask
        while value > top:
            value = draw(32) & mask
        return value

    def randint(self, low: int, high: int) -> int:
        """`RandomState.randint(low, high)`: one integer in [low, high)."""
        return low + self.interval(high - low - 1)

    def choice(self, items: list[Any], size: int) -> list[Any]:
        """`RandomState.choice(items, size)` (uniform, with replacement) as a list."""
        top = len(items) - 1
        return [items[self.interval(top)] for _ in range(size)]

    def shuffle(self, items: list[Any]) -> None:
        """`RandomState.shuffle(items)`, in place (Fisher-Yates from the end)."""
        for i in range(len(items) - 1, 0, -1):
            j = self.interval(i)
            items[i], items[j] = items[j], items[i]

    def permutation(self, n: int) -> list[int]:
        """`RandomState.permutation(n)` as a list."""
        order = list(range(n))
        self.shuffle(order)
        return order


@functools.cache
def _seeded_state(seed: int) -> tuple:
    """`random.Random.getstate()` form of NumPy's `mt19937_seed(seed)` (no output drawn yet)."""
    key = []
    value = seed
    for i in range(624):
        key.append(value)
        value = (1812433253 * (value ^ (value >> 30)) + i + 1) & 0xFFFFFFFF
    return (3, (*key, 624), None)
