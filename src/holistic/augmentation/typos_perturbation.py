"""Typos: letters replaced by a neighbouring key of a QWERTY keyboard with probability `prob` (§7.3)."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from holistic.augmentation.perturbation import Perturbation
from holistic.scenarios.base import PerturbationDescription

# Each lowercase letter's neighbours, in the order the random choice indexes them.
KEY_NEIGHBOURS: dict[str, str] = {
    "q": "was", "w": "qesad", "e": "wsdfr", "r": "edfgt", "t": "rfghy", "y": "tghju", "u": "yhjki",
    "i": "ujklo", "o": "iklp", "p": "ol", "a": "qwsz", "s": "weadzx", "d": "erfcxs", "f": "rtgvcd",
    "g": "tyhbvf", "h": "yujnbg", "j": "uikmnh", "k": "iolmj", "l": "opk", "z": "asx", "x": "sdcz",
    "c": "dfvx", "v": "fgbc", "b": "ghnv", "n": "hjmb", "m": "jkn",
}  # fmt: skip


class TyposPerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        prob: float = 0.0
        """Probability of replacing each letter that has neighbours."""

    name = "typos"

    def __init__(self, prob: float) -> None:
        self.prob = prob

    @property
    def description(self) -> PerturbationDescription:
        return TyposPerturbation.Description(name=self.name, robustness=True, prob=self.prob)

    def perturb(self, text: str, rng: Random) -> str:
        out = []
        for char in text:
            lower = char.lower()
            new = lower
            neighbours = KEY_NEIGHBOURS.get(lower)
            # One draw per letter with neighbours, a second only when it is replaced.
            if neighbours is not None and rng.random() < self.prob:
                new = rng.choice(neighbours)
            # Characters whose lowercase differs (uppercase) get their case back; others stay lowered.
            out.append(new.upper() if lower != char else new)
        return "".join(out)
