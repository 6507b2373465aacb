"""synthetic_reasoning: the instances come from NumPy's legacy RandomState draws, reproduced from its raw stream."""

from __future__ import annotations

import numpy as np
import pytest

from holistic.legacy_random import LegacyRandomState
from holistic.scenarios.synthetic_reasoning_scenario import (
    ANIMALS,
    FRUITS,
    MATH_SYMBOLS,
    RULE_SYMBOLS,
    SyntheticReasoningScenario,
)


def test_legacy_draws_are_randomstates():
    draws, rng = LegacyRandomState(3), np.random.RandomState(3)
    # Ranges of every width (including 1, which draws nothing, and widths that reject most outputs),
    # across several raw blocks.
    for step in range(40_000):
        high = 2 + step % 70
        assert draws.randint(1, high) == rng.randint(1, high)
        items = list(range(step % 9))
        expected = list(items)
        rng.shuffle(expected)
        draws.shuffle(items)
        assert items == expected
        if step % 5 == 0:
            assert draws.choice(FRUITS, 3) == rng.choice(FRUITS, 3).tolist()


def helm_order(mode: str, count: int) -> list[tuple[str, str]]:
    """The first instances drawn with RandomState's own calls, in HELM's order (spec §synthetic_reasoning)."""
    rng = np.random.RandomState(42)
    tokens = ANIMALS + FRUITS

    def substitution(symbols):
        mapping = {s: " ".join(rng.choice(tokens, rng.randint(1, 3))) for s in symbols}
        return mapping, " , ".join(f'{s} by " {t} "' for s, t in mapping.items())

    out = []
    for _ in range(count):
        rules = list(rng.choice(RULE_SYMBOLS, rng.randint(2, 4)))
        distinct = sorted(set(rules))
        maths = list(rng.choice(MATH_SYMBOLS, rng.randint(2, 4)))
        pattern = rules + maths
        rng.shuffle(pattern)
        mapping, mapping_text = substitution(distinct)
        mapping_2, _ = substitution(distinct)
        result = " ".join(mapping.get(s, s) for s in pattern)
        if mode == "variable_substitution":
            out.append((f"Rules: {' '.join(pattern)} | Substitutions: {mapping_text}", result))
        elif mode == "induction":
            other = " ".join(mapping_2.get(s, s) for s in pattern)
            out.append((f"Two results: {result} | {other}", f"Rule: {' '.join(pattern)}"))
        else:
            candidates = []
            for _ in range(3):
                candidate = distinct + maths
                rng.shuffle(candidate)
                candidates.append(" ".join(candidate))
            candidates.append(" ".join(pattern))
            rng.shuffle(candidates)
            out.append((f"Rules: {' | '.join(candidates)} | Result: {result}", " ".join(pattern)))
    return out


@pytest.mark.parametrize("mode", ["variable_substitution", "pattern_match", "induction"])
def test_instances_follow_randomstates_draws(mode):
    instances = SyntheticReasoningScenario(mode).get_instances()
    assert len(instances) == 11_000
    assert [i.split for i in instances[999:1001]] == ["train", "valid"]
    assert [(i.input, i.references[0].output) for i in instances[:400]] == helm_order(mode, 400)
