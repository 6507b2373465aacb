"""Synthetic reasoning (LIME-style): pattern matching, variable substitution, induction (§6.2).

Generated locally from NumPy's legacy `RandomState(42)`; the order of random draws below is what makes
the instances identical to HELM's, so keep it when editing.
"""

from __future__ import annotations

from holistic.errors import DescriptionError, one_of
from holistic.legacy_random import LegacyRandomState
from holistic.scenarios.base import (
    CORRECT_TAG,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    Scenario,
    new_instance,
    new_reference,
)

ANIMALS = [
    "zebra",
    "cobra",
    "stork",
    "penguin",
    "shark",
    "lion",
    "buffalo",
    "whale",
    "seal",
    "eagle",
    "horse",
    "rat",
]
FRUITS = [
    "apple",
    "peach",
    "watermelon",
    "banana",
    "grape",
    "kiwi",
    "pear",
    "strawberry",
    "blueberry",
    "blackberry",
]
RULE_SYMBOLS = ["X", "Y", "Z"]
MATH_SYMBOLS = ["+", "-", "*", "="]
MODES = ("variable_substitution", "pattern_match", "induction")


def substitute(pattern: list[str], substitutions: dict[str, str]) -> list[str]:
    """Replace every rule symbol of the pattern by its substitution (one element each)."""
    return [substitutions.get(symbol, symbol) for symbol in pattern]


class SyntheticReasoningScenario(Scenario):
    name = "synthetic_reasoning"
    description = "Synthetic reasoning benchmark"
    tags = ["reasoning", "language", "pattern_matching"]

    def __init__(self, mode: str, random_seed: int = 42) -> None:
        if mode not in MODES:
            raise DescriptionError(f"unknown synthetic_reasoning mode '{mode}' ({one_of(MODES)})")
        self.mode = mode
        self.random_seed = random_seed
        self.num_train_instances = 1000
        self.num_valid_instances = 5000
        self.num_test_instances = 5000

    def get_instances(self) -> list[Instance]:
        draws = LegacyRandomState(self.random_seed)
        tokens = ANIMALS + FRUITS

        def draw(symbols: list[str]) -> list[str]:
            size = draws.randint(2, 4)  # drawn before the choice, as HELM evaluates the arguments
            return draws.choice(symbols, size)

        def shuffled(items: list[str]) -> list[str]:
            draws.shuffle(items)
            return items

        def substitution(symbols: list[str]) -> tuple[dict[str, str], str]:
            mapping: dict[str, str] = {}
            parts: list[str] = []
            for symbol in symbols:
                text = " ".join(draws.choice(tokens, draws.randint(1, 3)))
                mapping[symbol] = text
                parts.append(f'{symbol} by " {text} "')
            return mapping, " , ".join(parts)

        total = self.num_train_instances + self.num_valid_instances + self.num_test_instances
        instances = []
        for index in range(total):
            rules = draw(RULE_SYMBOLS)
            distinct_rules = sorted(set(rules))
            maths = draw(MATH_SYMBOLS)
            pattern = shuffled(rules + maths)
            mapping, mapping_text = substitution(distinct_rules)
            mapping_2, _ = substitution(distinct_rules)
            result = " ".join(substitute(pattern, mapping))
            pattern_text = " ".join(pattern)
            if self.mode == "induction":
                source = f"Two results: {result} | {' '.join(substitute(pattern, mapping_2))}"
                target = f"Rule: {pattern_text}"
            elif self.mode == "variable_substitution":
                source = f"Rules: {pattern_text} | Substitutions: {mapping_text}"
                target = result
            else:
                candidates = [" ".join(shuffled(distinct_rules + maths)) for _ in range(3)] + [pattern_text]
                candidates = shuffled(candidates)
                source = f"Rules: {' | '.join(candidates)} | Result: {result}"
                target = pattern_text
            if index < self.num_train_instances:
                split = TRAIN_SPLIT
            elif index < self.num_train_instances + self.num_valid_instances:
                split = VALID_SPLIT
            else:
                split = TEST_SPLIT
            instances.append(new_instance(source, [new_reference(target, [CORRECT_TAG])], split))
        return instances
