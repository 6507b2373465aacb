"""The pure-Python GPT-2 BPE (the core install's) gives exactly what the `tokenizers` one gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holistic.models.tokenizers.gpt2 import (
    END_OF_TEXT_ID,
    PythonGPT2Tokenizer,
    RustGPT2Tokenizer,
    gpt2_tokenizer,
)

pytest.importorskip("tokenizers")

TRICKY = [
    "",
    "Hello world",
    "  leading  and trailing  ",
    "It's we'll I'D they're 'tis",
    "naïve café 日本語 🤖 emoji\n\n\ttab",
    "a<|endoftext|>b <|endoftext|><|endoftext|>",
    "123 4567.89e10 $%^&* ---->>>",
    "\u00a0\u2003 odd spaces\r\n",
    "x" * 300,
    "\ufffd replacement \x00 nul \x7f",
    "don't\n\n\n  \n",
]


@pytest.fixture(scope="module")
def both() -> tuple[PythonGPT2Tokenizer, RustGPT2Tokenizer]:
    return PythonGPT2Tokenizer(), RustGPT2Tokenizer()


def assert_same(both, text: str) -> None:
    python, rust = both
    ids = rust.encode(text)
    assert python.encode(text) == ids
    assert python.token_strings(text) == rust.token_strings(text)
    assert python.decode(ids) == rust.decode(ids) == text


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_encode_and_decode_identically(both, text):
    assert_same(both, text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_encodes_and_decodes_identically(both, text):
    assert_same(both, text)


def test_every_single_token_decodes_identically(both):
    python, rust = both
    # Single byte-level tokens may be partial UTF-8 characters: both must replace them the same way.
    for token in range(END_OF_TEXT_ID + 1):
        assert python.decode([token]) == rust.decode([token]), token


def test_real_text_encodes_identically(both, shared_data):
    text = (shared_data / "truthful_qa" / "data" / "TruthfulQA.csv").read_text(encoding="utf-8")[:200_000]
    python, rust = both
    assert python.encode_batch(text.split("\n")) == rust.encode_batch(text.split("\n"))


def test_the_fast_path_is_chosen_when_installed_and_the_pure_one_otherwise(monkeypatch):
    assert isinstance(gpt2_tokenizer(), RustGPT2Tokenizer)
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "tokenizers" else real(name, *a)
    )
    assert isinstance(gpt2_tokenizer(), PythonGPT2Tokenizer)
