"""Separate multiple-choice scoring on hand-built echoed results (§5.2 evaluate_references)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from holistic.adaptation.request_state import RequestState
from holistic.metrics.basic_metrics import BasicMetric
from holistic.metrics.byte_tokens import token_bytes
from holistic.metrics.metric import MetricContext
from holistic.metrics.reference_scoring import choose_reference, reference_logprob, softmax
from holistic.models.request import Request, RequestResult, Sequence, Token
from holistic.models.window_service import get_window_service
from holistic.run_specs.presets import get_multiple_choice_separate_adapter_spec
from holistic.scenarios.base import CORRECT_TAG, Instance, Reference
from holistic.specs.adapter_spec import (
    ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED,
    ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL,
)

ORIGINAL = replace(
    get_multiple_choice_separate_adapter_spec(ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL), model="openai/davinci"
)
CALIBRATED = replace(ORIGINAL, method=ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED)
GPT2 = MetricContext(get_window_service("openai/davinci"))


def _gpt2_tokens(text: str, logprobs: dict[str, float], default: float = -0.5) -> list[Token]:
    """Echoed tokens of `text` as the GPT-2 BPE splits it; logprobs by token text."""
    tokenizer = GPT2.window_service.tokenizer
    texts = [tokenizer.decode([i]) for i in tokenizer.encode(text)]
    assert "".join(texts) == text
    return [Token(t, logprobs.get(t, default)) for t in texts]


def _state(
    instance: Instance, index: int, prompt: str, tokens: list[Token], mode: str = "original"
) -> RequestState:
    result = RequestResult(
        success=True,
        embedding=[],
        completions=[Sequence("".join(t.text for t in tokens), sum(t.logprob for t in tokens), tokens)],
        cached=False,
        request_time=0.0,
    )
    request = Request(
        model="openai/davinci",
        prompt=prompt,
        temperature=0,
        num_completions=1,
        max_tokens=0,
        echo_prompt=True,
    )
    return RequestState(instance, index, mode, 0, None, request, result, 0, False)


def _instance(answers: list[str], correct: list[int], question: str = "Q?") -> Instance:
    refs = [Reference(a, [CORRECT_TAG] if i in correct else []) for i, a in enumerate(answers)]
    return Instance(question, refs, split="test", id="id0")


def test_reference_tokens_are_found_by_offsets_including_the_leading_space():
    tokens = _gpt2_tokens("The capital of France is Paris", {" Paris": -1.25, " is": -7.0})
    scored = reference_logprob(tokens, "The capital of France is Paris", "Paris", "", helm_num_tokens=1)
    assert scored.located and scored.num_tokens == 1 and scored.logprob == -1.25


def test_multi_token_reference_sums_its_tokens_and_ignores_the_shared_prefix():
    prompt = "Q? New York"
    tokens = _gpt2_tokens(prompt, {"Q": -9.0, "?": -9.0, " New": -1.0, " York": -0.5})
    scored = reference_logprob(tokens, prompt, "New York", "", helm_num_tokens=2)
    assert (scored.logprob, scored.num_tokens, scored.located) == (-1.5, 2, True)


def test_output_suffix_is_not_scored():
    prompt = "Q? yes\n"
    tokens = _gpt2_tokens(prompt, {" yes": -2.0, "\n": -5.0})
    scored = reference_logprob(tokens, prompt, "yes", "\n", helm_num_tokens=1)
    assert (scored.logprob, scored.num_tokens) == (-2.0, 1)


def test_a_prepended_bos_token_is_skipped():
    prompt = "Q? yes"
    tokens = [Token("<s>", 0.0), *_gpt2_tokens(prompt, {" yes": -0.25})]
    assert reference_logprob(tokens, prompt, "yes", "", helm_num_tokens=1).logprob == -0.25


def test_unicode_reference_with_byte_tokens():
    # ’ is split into two byte tokens by GPT-2; OpenAI spells them `bytes:\xe2\x80` and `bytes:\x99`.
    prompt = "Q? it’s"
    tokens = [
        Token("Q", -3.0),
        Token("?", -3.0),
        Token(" it", -1.0),
        Token("bytes:\\xe2\\x80", -0.5),
        Token("bytes:\\x99", -0.25),
        Token("s", -0.125),
    ]
    assert token_bytes("bytes:\\xe2\\x80") == b"\xe2\x80"
    scored = reference_logprob(tokens, prompt, "it’s", "", helm_num_tokens=4)
    assert (scored.logprob, scored.num_tokens, scored.located) == (-1.875, 4, True)
    # A token straddling the start of the reference counts as the reference's (accented café).
    tokens = _gpt2_tokens("Answer: café", {" café": -3.5})
    assert reference_logprob(tokens, "Answer: café", "café", "", 1).logprob == -3.5


def test_tokens_that_do_not_spell_the_prompt_fall_back_to_helms_last_m_tokens():
    # simple/model1 answers an echo request with the last word only.
    tokens = [Token("(x", -1.0), Token("1)", -2.0)]
    scored = reference_logprob(tokens, "Factor it. (x − 2)(x − 1)", "(x − 2)(x − 1)", "", helm_num_tokens=1)
    assert (scored.logprob, scored.num_tokens, scored.located) == (-2.0, 1, False)


def test_original_method_picks_the_best_mean_token_logprob():
    instance = _instance(["New", "New York", "Boston"], correct=[1])
    states = [
        _state(instance, 0, "Q? New", _gpt2_tokens("Q? New", {" New": -1.0})),
        # The longer reference has a better mean (-0.75) though a worse sum (-1.5).
        _state(instance, 1, "Q? New York", _gpt2_tokens("Q? New York", {" New": -1.0, " York": -0.5})),
        _state(instance, 2, "Q? Boston", _gpt2_tokens("Q? Boston", {" Boston": -3.0})),
    ]
    choice = choose_reference(ORIGINAL, states, GPT2)
    assert choice.scores == [-1.0, -0.75, -3.0]
    assert choice.predicted_index == 1 and choice.exact_match == 1.0
    assert choice.max_prob == pytest.approx(max(softmax([-1.0, -0.75, -3.0])))


def test_calibrated_method_subtracts_the_calibration_logprob_sum():
    instance = _instance(["yes", "no"], correct=[1])
    states = [
        _state(instance, 0, "Q? yes", _gpt2_tokens("Q? yes", {" yes": -1.0})),
        _state(instance, 0, "Answer: yes", _gpt2_tokens("Answer: yes", {" yes": -0.5}), mode="calibration"),
        _state(instance, 1, "Q? no", _gpt2_tokens("Q? no", {" no": -2.0})),
        _state(instance, 1, "Answer: no", _gpt2_tokens("Answer: no", {" no": -3.0}), mode="calibration"),
    ]
    choice = choose_reference(CALIBRATED, states, GPT2)
    assert choice.scores == [-0.5, 1.0]
    assert (choice.predicted_index, choice.exact_match) == (1, 1.0)


def test_ties_count_as_correct_under_helm_0_1():
    instance = _instance(["a", "b", "c", "d"], correct=[2])
    states = [
        _state(instance, i, f"Q? {r}", _gpt2_tokens(f"Q? {r}", {}, default=0.0)) for i, r in enumerate("abcd")
    ]
    choice = choose_reference(ORIGINAL, states, GPT2)
    assert (choice.predicted_index, choice.exact_match) == (0, 1.0)
    wrong_only = _instance(["a", "b", "c", "d"], correct=[3])
    two_tied = [
        _state(wrong_only, i, f"Q? {r}", _gpt2_tokens(f"Q? {r}", {f" {r}": -1.0 if r in "bc" else -4.0}))
        for i, r in enumerate("abcd")
    ]
    assert choose_reference(ORIGINAL, two_tied, GPT2).exact_match == 0.0


def test_ties_share_the_credit_and_predict_the_first(helm_0_5):
    instance = _instance(["a", "b", "c", "d"], correct=[2])
    states = [
        _state(instance, i, f"Q? {r}", _gpt2_tokens(f"Q? {r}", {}, default=0.0)) for i, r in enumerate("abcd")
    ]
    choice = choose_reference(ORIGINAL, states, GPT2)
    assert (choice.predicted_index, choice.exact_match, choice.max_prob) == (0, 0.25, 0.25)
    two_tied = [
        _state(instance, i, f"Q? {r}", _gpt2_tokens(f"Q? {r}", {f" {r}": -1.0 if r in "bc" else -4.0}))
        for i, r in enumerate("abcd")
    ]
    choice = choose_reference(ORIGINAL, two_tied, GPT2)
    assert (choice.predicted_index, choice.exact_match) == (1, 0.5)


def test_empty_reference_scores_the_space_before_it():
    instance = _instance(["", "x"], correct=[1])
    # The prompt ends with the output prefix's space: that token is what HELM's `" " + ""` scores too.
    states = [
        _state(instance, 0, "Q? ", _gpt2_tokens("Q? ", {" ": -6.0})),
        _state(instance, 1, "Q? x", _gpt2_tokens("Q? x", {" x": -2.0})),
    ]
    assert choose_reference(ORIGINAL, states, GPT2).scores == [-6.0, -2.0]
    # With nothing before it (empty input and prefix) an empty reference has no tokens: score 0.
    blimp = replace(ORIGINAL, output_prefix="")
    states = [_state(instance, 0, "", []), _state(instance, 1, "x", [Token("x", -2.0)])]
    choice = choose_reference(blimp, states, GPT2)
    assert choice.scores == [0.0, -2.0]


def test_basic_metric_emits_general_stats_merged_over_references_then_the_choice():
    instance = _instance(["yes", "no"], correct=[0])
    states = [
        _state(instance, 0, "Q? yes", _gpt2_tokens("Q? yes", {" yes": -0.1})),
        _state(instance, 1, "Q? no", _gpt2_tokens("Q? no", {" no": -2.3})),
    ]
    stats = {s.name.name: s for s in BasicMetric([]).evaluate_references(ORIGINAL, states, GPT2)}
    assert stats["num_prompt_tokens"].count == 2 and stats["num_prompt_tokens"].sum == 6
    assert stats["exact_match"].sum == 1 and stats["predicted_index"].sum == 0
    assert stats["max_prob"].sum == pytest.approx(1 / (1 + math.exp(-2.2)))
    assert list(stats)[-3:] == ["max_prob", "exact_match", "predicted_index"]


def test_failed_reference_request_gives_no_stats():
    instance = _instance(["yes", "no"], correct=[0])
    ok = _state(instance, 0, "Q? yes", _gpt2_tokens("Q? yes", {}))
    failed = replace(ok, reference_index=1, result=RequestResult(False, [], [], False, error="boom"))
    assert BasicMetric([]).evaluate_references(ORIGINAL, [ok, failed], GPT2) == []
