"""MildMix: lowercase, contraction, misspelling(0.1) and space(3) in turn, sharing one stream (§7.3)."""

from __future__ import annotations

from random import Random

from holistic.augmentation.contraction_expansion_perturbation import ContractionPerturbation
from holistic.augmentation.lowercase_perturbation import LowerCasePerturbation
from holistic.augmentation.misspelling_perturbation import MisspellingPerturbation
from holistic.augmentation.perturbation import Perturbation, PerturbationFiles
from holistic.augmentation.space_perturbation import SpacePerturbation
from holistic.scenarios.base import PerturbationDescription


class MildMixPerturbation(Perturbation):
    name = "mild_mix"

    def __init__(self) -> None:
        self.steps: list[Perturbation] = [
            LowerCasePerturbation(),
            ContractionPerturbation(),
            MisspellingPerturbation(prob=0.1),
            SpacePerturbation(max_spaces=3),
        ]

    @property
    def description(self) -> PerturbationDescription:
        return PerturbationDescription(name=self.name, robustness=True)

    def prepare(self, files: PerturbationFiles) -> None:
        for step in self.steps:
            step.prepare(files)

    def perturb(self, text: str, rng: Random) -> str:
        for step in self.steps:
            text = step.perturb(text, rng)
        return text
