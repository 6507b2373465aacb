"""Contraction and Expansion: English contractions formed or undone (§7.3).

The table is the standard list of English contractions (NL-Augmenter's `contraction_expansions`, which HELM
uses), in that list's order: order matters, because the regex alternation tries entries in order and,
for contraction, the later of two entries with the same expansion wins (`is not` -> `isn't`, not `ain't`).
"""

from __future__ import annotations

import re
from random import Random

from holistic.augmentation.perturbation import Perturbation, match_case
from holistic.scenarios.base import PerturbationDescription

_TABLE = """
ain't=is not|aren't=are not|can't=cannot|can't've=cannot have|could've=could have|couldn't=could not
didn't=did not|doesn't=does not|don't=do not|hadn't=had not|hasn't=has not|haven't=have not
he'd=he would|he'd've=he would have|he'll=he will|he's=he is|how'd=how did|how'd'y=how do you
how'll=how will|how's=how is|I'd=I would|I'll=I will|I'm=I am|I've=I have|i'd=i would|i'll=i will
i'm=i am|i've=i have|isn't=is not|it'd=it would|it'll=it will|it's=it is|ma'am=madam
might've=might have|mightn't=might not|must've=must have|mustn't=must not|needn't=need not
oughtn't=ought not|shan't=shall not|she'd=she would|she'll=she will|she's=she is|should've=should have
shouldn't=should not|that'd=that would|that's=that is|there'd=there would|there's=there is
they'd=they would|they'll=they will|they're=they are|they've=they have|wasn't=was not|we'd=we would
we'll=we will|we're=we are|we've=we have|weren't=were not|what're=what are|what's=what is
when's=when is|where'd=where did|where's=where is|where've=where have|who'll=who will|who's=who is
who've=who have|why's=why is|won't=will not|would've=would have|wouldn't=would not|you'd=you would
you'd've=you would have|you'll=you will|you're=you are|you've=you have
"""

CONTRACTION_MAP: dict[str, str] = dict(
    entry.split("=", 1) for line in _TABLE.strip().splitlines() for entry in line.split("|")
)
# Later entries win for shared expansions, as with a dict built in table order.
EXPANSION_MAP: dict[str, str] = {expanded: contracted for contracted, expanded in CONTRACTION_MAP.items()}

_FLAGS = re.IGNORECASE | re.DOTALL
# Contraction only where the phrase is followed by a space, so sentence ends are left alone.
_EXPANDED = re.compile(r"\b({})\b ".format("|".join(EXPANSION_MAP)), _FLAGS)
_CONTRACTED = re.compile(r"\b({})\b".format("|".join(CONTRACTION_MAP)), _FLAGS)


def _lookup(table: dict[str, str], text: str) -> str:
    found = table.get(text)
    return found if found is not None else table[text.lower()]


class ContractionPerturbation(Perturbation):
    name = "contraction"

    @property
    def description(self) -> PerturbationDescription:
        return PerturbationDescription(name=self.name, robustness=True)

    def perturb(self, text: str, rng: Random) -> str:
        return _EXPANDED.sub(lambda m: match_case(m[1], _lookup(EXPANSION_MAP, m[1])) + " ", text)


class ExpansionPerturbation(Perturbation):
    name = "expansion"

    @property
    def description(self) -> PerturbationDescription:
        return PerturbationDescription(name=self.name, robustness=True)

    def perturb(self, text: str, rng: Random) -> str:
        return _CONTRACTED.sub(lambda m: match_case(m[0], _lookup(CONTRACTION_MAP, m[0])), text)
