"""Dyck languages (Suzgun et al. 2019): close the last 1-3 open brackets of a Dyck-n prefix (§6.2 dyck_language).

Generated from a PCFG with Python's `random` and NumPy's legacy generator, both seeded with 42. The order
of draws below is what makes the instances identical to HELM's, so keep it when editing. holistic draws
from its own generator objects, which give the same numbers as HELM's seeded global ones without touching
global state.
"""

from __future__ import annotations

import random

from holistic.errors import DescriptionError
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, TRAIN_SPLIT, Instance, Reference, Scenario

PARENTHESIS_PAIRS = [["(", ")"], ["[", "]"], ["{", "}"], ["<", ">"]]


def check_num_parenthesis_pairs(value: int | str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= len(PARENTHESIS_PAIRS):
        raise DescriptionError(f"num_parenthesis_pairs must be 1, 2, 3 or 4, not '{value}'")
    return number


class DyckLanguageScenario(Scenario):
    name = "dyck_language"
    description = "Generate the closing parentheses of a Dyck-n prefix"
    tags = ["reasoning", "language", "hierarchy"]

    def __init__(
        self,
        num_parenthesis_pairs: int,
        num_train_instances: int = 3,
        num_test_instances: int = 500,
        prob_p: float = 0.5,
        prob_q: float = 0.25,
        max_recursive_depth: int = 100,
        min_seq_train_length: int = 4,
        max_seq_train_length: int = 50,
        min_seq_test_length: int = 52,
        max_seq_test_length: int = 100,
        max_output_size: int = 3,
        seed: int = 42,
    ) -> None:
        if not (prob_p > 0 and prob_q > 0 and prob_p + prob_q < 1):
            raise DescriptionError("dyck_language needs 0 < prob_p, prob_q and prob_p + prob_q < 1")
        self.num_parenthesis_pairs = check_num_parenthesis_pairs(num_parenthesis_pairs)
        pairs = PARENTHESIS_PAIRS[: self.num_parenthesis_pairs]
        self.opening = [pair[0] for pair in pairs]
        self.closing = [pair[1] for pair in pairs]
        self.num_train_instances = num_train_instances
        self.num_test_instances = num_test_instances
        self.prob_p = prob_p
        self.prob_q = prob_q
        self.max_recursive_depth = max_recursive_depth
        self.train_lengths = (min_seq_train_length, max_seq_train_length)
        self.test_lengths = (min_seq_test_length, max_seq_test_length)
        self.max_output_size = max_output_size
        self.seed = seed

    def _sequence(self, depth: int = 0, max_length: int = 100) -> list[str]:
        """A random Dyck-n word: S -> (_i S )_i with probability p, S S with q, empty otherwise.

        Only the outermost call limits the length; inner calls use the default of 100 (as HELM)."""
        if depth > self.max_recursive_depth:
            return []
        draw = self.rng.random()
        if draw < self.prob_p:
            index = int(self.np_rng.randint(self.num_parenthesis_pairs))
            sequence = [self.opening[index], *self._sequence(depth + 1), self.closing[index]]
        elif draw < self.prob_p + self.prob_q:
            left = self._sequence(depth)
            sequence = left + self._sequence(depth)
        else:
            sequence = []
        return sequence if len(sequence) <= max_length else []

    def _prefix(self, sequence: list[str], num_open: int) -> list[str]:
        """The longest prefix that leaves exactly `num_open` brackets open (scanning from the end)."""
        balance = 0
        for i in range(len(sequence) - 1, -1, -1):
            balance += -1 if sequence[i] in self.opening else 1
            if balance == num_open:
                return sequence[:i]
        return []

    def _closing(self, prefix: list[str]) -> list[str]:
        stack = []
        for symbol in prefix:
            if symbol in self.opening:
                stack.append(self.closing[self.opening.index(symbol)])
            else:
                stack.pop()
        return stack[::-1]

    def _input_output(self, min_length: int, max_length: int) -> tuple[str, str]:
        while True:
            sequence = self._sequence(0, max_length)
            if len(sequence) >= min_length:
                prefix = self._prefix(sequence, self.rng.randint(1, self.max_output_size))
                if prefix:
                    return " ".join(prefix), " ".join(self._closing(prefix))

    def _corpus(
        self, split: str, size: int, lengths: tuple[int, int], not_allowed: set[str]
    ) -> list[Instance]:
        seen: set[str] = set()
        instances = []
        while len(instances) < size:
            text, output = self._input_output(*lengths)
            if text in seen or text in not_allowed:
                continue
            seen.add(text)
            instances.append(Instance(text, [Reference(" " + output, [CORRECT_TAG])], split))
        return instances

    def get_instances(self) -> list[Instance]:
        import numpy as np

        self.np_rng = np.random.RandomState(self.seed)
        self.rng = random.Random(self.seed)
        train = self._corpus(TRAIN_SPLIT, self.num_train_instances, self.train_lengths, set())
        test = self._corpus(TEST_SPLIT, self.num_test_instances, self.test_lengths, {i.input for i in train})
        return train + test
