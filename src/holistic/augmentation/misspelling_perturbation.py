"""Misspelling: words replaced by common misspellings with probability `prob` (§7.3).

The list (correct word -> misspellings, capitalised variants included) is Wikipedia's "Lists of common
misspellings/For machines" as HELM ships it in its package; holistic fetches that file on first use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from random import Random

from holistic.augmentation.perturbation import Perturbation, PerturbationFiles, match_case
from holistic.errors import DataError
from holistic.scenarios.base import PerturbationDescription

FILE_NAME = "correct_to_misspelling.json"
SOURCE_URL = (
    "https://raw.githubusercontent.com/stanford-crfm/helm/v0.1.0/"
    "src/helm/benchmark/augmentations/correct_to_misspelling.json"
)


class MisspellingPerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        prob: float = 0.0
        """Probability of misspelling each word that has misspellings."""

    name = "misspellings"

    def __init__(self, prob: float) -> None:
        self.prob = prob
        self.misspellings: dict[str, list[str]] = {}
        self.pattern: re.Pattern | None = None

    @property
    def description(self) -> PerturbationDescription:
        return MisspellingPerturbation.Description(name=self.name, robustness=True, prob=self.prob)

    def prepare(self, files: PerturbationFiles) -> None:
        path = files.get(self.name, FILE_NAME, SOURCE_URL)
        try:
            with open(path, encoding="utf-8") as f:
                misspellings = json.load(f)
        except (OSError, ValueError) as e:
            raise DataError(f"cannot read the misspelling list {path}: {e}") from None
        if not isinstance(misspellings, dict) or not misspellings:
            raise DataError(f"{path} is not a JSON object of word -> [misspellings]")
        self.misspellings = misspellings
        # Case-sensitive, keys in file order (the file has capitalised variants as keys of their own).
        self.pattern = re.compile(r"\b({})\b".format("|".join(misspellings)))

    def perturb(self, text: str, rng: Random) -> str:
        assert self.pattern is not None, "prepare() loads the misspelling list"

        def misspell(match: re.Match) -> str:
            word = match[1]
            if rng.random() < self.prob:
                return match_case(word, str(rng.choice(self.misspellings[word])))
            return word

        return self.pattern.sub(misspell, text)
