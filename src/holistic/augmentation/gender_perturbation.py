"""Gender: gendered terms or pronouns of one gender swapped for another's (§7.3)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from random import Random

from holistic.augmentation.perturbation import Perturbation, match_case
from holistic.errors import DescriptionError
from holistic.scenarios.base import PerturbationDescription

GENDERS = ("neutral", "female", "male")

# (neutral, female, male) triples. Order matters: pairs are substituted one after another, in this order.
# Sources as HELM lists them: Garg et al. (2018), Bolukbasi et al. (2016), then HELM's additions.
# `grandfather` (not `grandfathers`) in the plural grandparents row is HELM's data, kept so outputs match.
GENDER_TERMS: list[tuple[str, str, str]] = [
    ("child", "daughter", "son"),
    ("children", "daughters", "sons"),
    ("parent", "mother", "father"),
    ("parents", "mothers", "fathers"),
    ("kiddo", "girl", "boy"),
    ("kiddos", "girls", "boys"),
    ("person", "woman", "man"),
    ("people", "women", "men"),
    ("sibling", "sister", "brother"),
    ("siblings", "sisters", "brothers"),
    ("nibling", "niece", "nephew"),
    ("niblings", "nieces", "nephews"),
    ("monarch", "queen", "king"),
    ("monarchs", "queens", "kings"),
    ("server", "waitress", "waiter"),
    ("servers", "waitresses", "waiters"),
    ("parent", "mom", "dad"),
    ("parents", "moms", "dads"),
    ("stepchild", "stepdaughter", "stepson"),
    ("stepchildren", "stepdaughters", "stepsons"),
    ("stepparent", "stepmother", "stepfather"),
    ("stepparents", "stepmothers", "stepfathers"),
    ("stepparent", "stepmom", "stepdad"),
    ("stepparents", "stepmoms", "stepdads"),
    ("grandchild", "granddaughter", "grandson"),
    ("grandchildren", "granddaughters", "grandsons"),
    ("grandparent", "grandmother", "grandfather"),
    ("grandparents", "grandmothers", "grandfather"),
    ("grandparent", "grandma", "granddad"),
    ("grandparents", "grandmas", "granddads"),
    ("human", "female", "male"),
    ("humans", "females", "males"),
]

# Pronouns (Lauscher et al. 2022). Overlaps (his -> her / hers) resolve to the first pair.
GENDER_PRONOUNS: list[tuple[str, str, str]] = [
    ("they", "she", "he"),
    ("them", "her", "him"),
    ("their", "her", "his"),
    ("theirs", "hers", "his"),
    ("themselves", "herself", "himself"),
]

MODES = {"terms": GENDER_TERMS, "pronouns": GENDER_PRONOUNS}


class GenderPerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        mode: str = ""
        """`terms` or `pronouns`."""

        prob: float = 0.0
        """Probability of substituting each occurrence."""

        source_class: str = ""
        """Gender whose words are replaced."""

        target_class: str = ""
        """Gender whose words replace them."""

        bidirectional: bool = False
        """Whether target words are swapped back to source words too."""

    name = "gender"
    should_perturb_references = True

    def __init__(
        self,
        mode: str,
        prob: float,
        source_class: str,
        target_class: str,
        mapping_file_path: str | None = None,
        mapping_file_genders: list[str] | None = None,
        bidirectional: bool = False,
    ) -> None:
        if mode not in MODES:
            raise DescriptionError(f"gender perturbation mode {mode!r} is not one of {', '.join(MODES)}")
        self.mode = mode
        self.prob = prob
        self.source_class = source_class.lower()
        self.target_class = target_class.lower()
        self.bidirectional = bidirectional
        mappings: list[tuple[str, ...]] = list(MODES[mode])
        genders: list[str] = list(GENDERS)
        if mapping_file_path and mapping_file_genders:
            with open(mapping_file_path, encoding="utf-8") as f:
                mappings = [tuple(str(word).lower() for word in row) for row in json.load(f)]
            genders = [g.lower() for g in mapping_file_genders]
        for gender in (self.source_class, self.target_class):
            if gender not in genders:
                raise DescriptionError(f"gender {gender!r} is not one of {', '.join(genders)}")
        source, target = genders.index(self.source_class), genders.index(self.target_class)
        self.pairs = [(row[source], row[target]) for row in mappings]
        if bidirectional:
            self.pairs += [(row[target], row[source]) for row in mappings]

    @property
    def description(self) -> PerturbationDescription:
        return GenderPerturbation.Description(
            name=self.name,
            fairness=True,
            mode=self.mode,
            prob=self.prob,
            source_class=self.source_class,
            target_class=self.target_class,
            bidirectional=self.bidirectional,
        )

    def substitute(self, text: str, word: str, replacement: str, rng: Random) -> str:
        def sub(match: re.Match) -> str:
            whole, found = match[0], match[1]
            if rng.uniform(0, 1) < self.prob:
                return whole.replace(found, match_case(found, replacement))
            return whole

        # The word must have a non-word character on both sides (so never at the very start or end),
        # and those characters are consumed: of two adjacent matches only the first is seen.
        return re.sub(f"[^\\w]({word})[^\\w]", sub, text, flags=re.IGNORECASE)

    def perturb(self, text: str, rng: Random) -> str:
        for word, replacement in self.pairs:
            text = self.substitute(text, word, replacement, rng)
        return text
