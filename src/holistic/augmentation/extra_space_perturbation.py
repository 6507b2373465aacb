"""ExtraSpace: every single space becomes `num_spaces` spaces (§7.3)."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from holistic.augmentation.perturbation import Perturbation
from holistic.scenarios.base import PerturbationDescription


class ExtraSpacePerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        num_spaces: int = 0
        """Spaces that replace each space."""

    name = "extra_space"

    def __init__(self, num_spaces: int) -> None:
        self.num_spaces = num_spaces

    @property
    def description(self) -> PerturbationDescription:
        return ExtraSpacePerturbation.Description(name=self.name, robustness=True, num_spaces=self.num_spaces)

    def perturb(self, text: str, rng: Random) -> str:
        return text.replace(" ", " " * self.num_spaces)
