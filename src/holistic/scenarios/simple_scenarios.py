"""`simple1`: HELM's debug scenario of random digit sequences (§6.2 simple1)."""

from __future__ import annotations

import random

from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, TRAIN_SPLIT, Instance, Reference, Scenario


class Simple1Scenario(Scenario):
    name = "simple1"
    description = "A simple scenario"
    tags = ["simple"]

    def __init__(
        self,
        num_input_tokens: int = 5,
        vocab_size: int = 20,
        num_train_instances: int = 10,
        num_test_instances: int = 10,
    ) -> None:
        self.num_input_tokens = num_input_tokens
        self.vocab_size = vocab_size
        self.num_train_instances = num_train_instances
        self.num_test_instances = num_test_instances

    def get_instances(self) -> list[Instance]:
        rng = random.Random(1)

        def make(split: str) -> Instance:
            tokens = [str(rng.randint(0, self.vocab_size - 1)) for _ in range(self.num_input_tokens)]
            answer = rng.choice(tokens)
            return Instance(
                input=" ".join(tokens),
                references=[Reference(answer, [CORRECT_TAG]), Reference("-1", [])],
                split=split,
            )

        return [make(TRAIN_SPLIT) for _ in range(self.num_train_instances)] + [
            make(TEST_SPLIT) for _ in range(self.num_test_instances)
        ]
