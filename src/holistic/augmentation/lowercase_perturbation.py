"""LowerCase: the whole text lowercased (§7.3)."""

from __future__ import annotations

from random import Random

from holistic.augmentation.perturbation import Perturbation
from holistic.scenarios.base import PerturbationDescription


class LowerCasePerturbation(Perturbation):
    name = "lowercase"

    @property
    def description(self) -> PerturbationDescription:
        return PerturbationDescription(name=self.name, robustness=True)

    def perturb(self, text: str, rng: Random) -> str:
        return text.lower()
