"""FillerWords: filler phrases inserted before words with probability `insert_prob` (§7.3)."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from holistic.augmentation.perturbation import Perturbation
from holistic.scenarios.base import PerturbationDescription

# The three phrase families, in the order the random choice indexes their concatenation.
SPEAKER_PHRASES = [
    "I think", "I believe", "I mean", "I guess", "that is", "I assume", "I feel", "In my opinion", "I would say",
]  # fmt: skip
UNCERTAIN_PHRASES = ["maybe", "perhaps", "probably", "possibly", "most likely"]
FILL_PHRASES = ["uhm", "umm", "ahh", "err", "actually", "obviously", "naturally", "like", "you know"]


class FillerWordsPerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        insert_prob: float = 0.0
        """Probability of a filler before each word."""

    name = "filler_words"

    def __init__(
        self,
        insert_prob: float = 0.333,
        max_num_insert: int | None = None,
        speaker_ph: bool = True,
        uncertain_ph: bool = True,
        fill_ph: bool = True,
    ) -> None:
        self.insert_prob = insert_prob
        self.max_num_insert = max_num_insert
        self.fillers = (
            (SPEAKER_PHRASES if speaker_ph else [])
            + (UNCERTAIN_PHRASES if uncertain_ph else [])
            + (FILL_PHRASES if fill_ph else [])
        )

    @property
    def description(self) -> PerturbationDescription:
        return FillerWordsPerturbation.Description(
            name=self.name, robustness=True, insert_prob=self.insert_prob
        )

    def perturb(self, text: str, rng: Random) -> str:
        words: list[str] = []
        inserted = 0
        for word in text.split(" "):
            # No draw at all once the cap is reached; `<=` (not `<`) is the reference behaviour.
            if (
                self.max_num_insert is None or inserted < self.max_num_insert
            ) and rng.random() <= self.insert_prob:
                words.append(rng.choice(self.fillers))
                inserted += 1
            words.append(word)
        return " ".join(words)
