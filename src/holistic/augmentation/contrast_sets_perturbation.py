"""ContrastSets: the instance replaced by one of its contrast inputs with its references (§7.3)."""

from __future__ import annotations

from dataclasses import replace
from random import Random

from holistic.augmentation.perturbation import Perturbation
from holistic.scenarios.base import Instance, PerturbationDescription


class ContrastSetsPerturbation(Perturbation):
    name = "contrast_sets"
    should_perturb_references = True

    @property
    def description(self) -> PerturbationDescription:
        return PerturbationDescription(name=self.name, robustness=True)

    def apply(self, instance: Instance, seed: int | None = None) -> Instance:
        perturbed = instance
        if instance.contrast_inputs and instance.contrast_references:
            rng = self.get_rng(instance, seed)
            index = rng.choice(range(len(instance.contrast_inputs)))
            perturbed = replace(
                instance,
                input=instance.contrast_inputs[index],
                references=instance.contrast_references[index],
            )
        # Without a contrast set the input is unchanged, so the augmenter drops the copy.
        return replace(perturbed, perturbation=replace(self.description, seed=seed))

    def perturb(self, text: str, rng: Random) -> str:
        raise NotImplementedError("contrast sets replace whole instances (see apply)")
