"""Synonym: content words replaced by WordNet synonyms with probability `prob` (§7.3).

Needs spaCy with `en_core_web_sm` (tokens and part-of-speech tags) and NLTK's WordNet (morphological base
forms), neither of which holistic installs, plus HELM's `wordnet_synonyms.json` (CodaLab), fetched on first
use into `<output>/perturbations/synonym/`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from random import Random

from holistic.augmentation.perturbation import CODALAB_BLOB, Perturbation, PerturbationFiles, match_case
from holistic.errors import DataError
from holistic.scenarios.base import PerturbationDescription

FILE_NAME = "wordnet_synonyms.json"
SOURCE_URL = CODALAB_BLOB.format(bundle="0x92a07ef9f82941e6a75b2f3b27961e8c")
SPACY_TO_WORDNET = {"VERB": "v", "NOUN": "n", "ADV": "r", "ADJ": "s"}
REQUIREMENTS = (
    "pip install spacy nltk && python -m spacy download en_core_web_sm && python -m nltk.downloader wordnet"
)

Token = tuple[str, str, str]
"""(text, spaCy coarse part of speech, trailing whitespace)."""


def substitute_synonyms(
    tokens: Iterable[Token],
    synonyms: dict[str, list[str]],
    base_forms: Callable[[str, str], list[str]],
    prob: float,
    rng: Random,
) -> str:
    """The text rebuilt from `tokens`, each content word replaced with probability `prob`."""
    out = []
    for word, pos, whitespace in tokens:
        wordnet_pos = SPACY_TO_WORDNET.get(pos)
        candidates: list[str] = []
        if wordnet_pos:
            for base in base_forms(word.lower(), wordnet_pos):
                candidates.extend(synonyms.get(f"{base}:{wordnet_pos}", []))
        # Unique, in first-seen order, never the word itself; no draw at all without candidates.
        candidates = list(dict.fromkeys(c for c in candidates if c != word.lower()))
        if candidates and rng.uniform(0, 1) < prob:
            word = match_case(word, rng.choice(candidates))
        out.append(word + whitespace)
    return "".join(out)


class SynonymPerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        prob: float = 0.0
        """Probability of replacing each word that has synonyms."""

    name = "synonym"

    def __init__(self, prob: float) -> None:
        self.prob = prob
        self.synonyms: dict[str, list[str]] = {}
        self.nlp = None
        self.morphy: Callable[[str, str], list[str]] | None = None

    @property
    def description(self) -> PerturbationDescription:
        return SynonymPerturbation.Description(name=self.name, robustness=True, prob=self.prob)

    def prepare(self, files: PerturbationFiles) -> None:
        try:
            import spacy
            from nltk.corpus import wordnet

            self.nlp = spacy.load("en_core_web_sm")
            wordnet.ensure_loaded()
        except (ImportError, OSError, LookupError) as e:
            raise DataError(
                f"the synonym perturbation needs spaCy's en_core_web_sm and NLTK's WordNet "
                f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}): {REQUIREMENTS}"
            ) from None
        self.morphy = lambda word, pos: list(wordnet._morphy(word, pos))
        path = files.get(self.name, FILE_NAME, SOURCE_URL)
        with open(path, encoding="utf-8") as f:
            self.synonyms = json.load(f)

    def perturb(self, text: str, rng: Random) -> str:
        assert self.nlp is not None and self.morphy is not None, "prepare() loads spaCy and WordNet"
        tokens = ((t.text, t.pos_, t.whitespace_) for t in self.nlp(text))
        return substitute_synonyms(tokens, self.synonyms, self.morphy, self.prob, rng)
