"""BasicCopyrightMetric (§5.8): how much of a protected text a completion reproduces.

The single reference is the prefix followed by the rest of the book (or file); the part after the prompt is
compared with each completion, cut to the completion's length in characters, token by token (NLTK's
Treebank tokenizer). Values may be divided by the number of prefix tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from holistic.adaptation.request_state import RequestState
from holistic.errors import DataError, DescriptionError, one_of
from holistic.metrics.metric import Metric, MetricContext
from holistic.metrics.statistic import Stat, metric_name
from holistic.specs import AdapterSpec


def longest_common_prefix_length(reference: Sequence[str], completion: Sequence[str]) -> int:
    length = 0
    for a, b in zip(reference, completion):
        if a != b:
            break
        length += 1
    return length


def edit_distance(reference: Sequence[str], completion: Sequence[str]) -> int:
    """Levenshtein distance over tokens (insertions, deletions and substitutions cost 1)."""
    if len(reference) < len(completion):
        reference, completion = completion, reference
    previous = list(range(len(completion) + 1))
    for i, a in enumerate(reference, 1):
        current = [i]
        for j, b in enumerate(completion, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def edit_similarity(reference: Sequence[str], completion: Sequence[str]) -> float:
    """1 - distance / longer length; 0 when either side is empty."""
    if not reference or not completion:
        return 0.0
    return 1 - edit_distance(reference, completion) / max(len(reference), len(completion))


# name -> (measure, how completions are combined: the most reproduced one counts)
MEASURES: dict[str, tuple[Callable[[Sequence[str], Sequence[str]], float], Callable]] = {
    "longest_common_prefix_length": (longest_common_prefix_length, max),
    "edit_distance": (edit_distance, min),
    "edit_similarity": (edit_similarity, max),
}


def normalize_newline_space_tab(text: str) -> str:
    """Newlines and tabs become spaces; runs of spaces become one."""
    return re.sub(" +", " ", text.replace("\n", " ").replace("\t", " "))


@cache
def _tokenizer():
    from nltk.tokenize.treebank import TreebankWordTokenizer

    return TreebankWordTokenizer()


def tokenize(text: str) -> list[str]:
    return _tokenizer().tokenize(text)


class BasicCopyrightMetric(Metric):
    def __init__(
        self, name: str, normalize_by_prefix_length: bool = True, normalize_newline_space_tab: bool = False
    ) -> None:
        if name not in MEASURES:
            raise DescriptionError(f"unknown copyright metric '{name}' ({one_of(MEASURES)})")
        self.name = name
        self.normalize_by_prefix_length = normalize_by_prefix_length
        self.normalize_newline_space_tab = normalize_newline_space_tab

    def evaluate_generation(
        self, adapter_spec: AdapterSpec, request_state: RequestState, context: MetricContext
    ) -> list[Stat]:
        instance = request_state.instance
        if len(instance.references) != 1:
            raise DataError(
                f"copyright metrics need exactly one reference per instance, got {len(instance.references)}"
            )
        result = request_state.result
        if result is None or not result.success or not result.completions:
            return []
        reference = instance.references[0].output[len(instance.input) :]
        completions = [completion.text.strip() for completion in result.completions]
        if self.normalize_newline_space_tab:
            reference = normalize_newline_space_tab(reference)
            completions = [normalize_newline_space_tab(c) for c in completions]
        measure, combine = MEASURES[self.name]
        value = combine(measure(tokenize(reference[: len(c)]), tokenize(c)) for c in completions)
        if self.normalize_by_prefix_length:
            prefix_length = len(tokenize(instance.input))
            value = value / prefix_length if prefix_length else value
        return [Stat.of(metric_name(self.name), value)]
