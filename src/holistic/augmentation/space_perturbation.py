"""Space: every run of spaces becomes 1..max_spaces spaces, drawn per run (§7.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from random import Random

from holistic.augmentation.perturbation import Perturbation
from holistic.scenarios.base import PerturbationDescription

_SPACES = re.compile(" +")


class SpacePerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        max_spaces: int = 0
        """Most spaces a run of spaces becomes."""

    name = "space"

    def __init__(self, max_spaces: int) -> None:
        self.max_spaces = max_spaces

    @property
    def description(self) -> PerturbationDescription:
        return SpacePerturbation.Description(name=self.name, robustness=True, max_spaces=self.max_spaces)

    def perturb(self, text: str, rng: Random) -> str:
        return _SPACES.sub(lambda _: " " * rng.randint(1, self.max_spaces), text)
