"""Language modelling (§4.9): windows, the prefix token, fitting, and byte tokens at window edges."""

from __future__ import annotations

from dataclasses import replace

import pytest

from holistic.adaptation import get_adapter
from holistic.adaptation.adapters.language_modeling import LanguageModelingAdapter
from holistic.errors import DataError
from holistic.models.window_service import get_window_service
from holistic.run_specs.presets import get_language_modeling_adapter_spec
from holistic.scenarios.base import Instance

SPEC = get_language_modeling_adapter_spec()


def _adapter(model: str) -> LanguageModelingAdapter:
    adapter = get_adapter(replace(SPEC, model=model), get_window_service(model))
    assert isinstance(adapter, LanguageModelingAdapter)
    return adapter


def test_helm_acceptance_excuse_me_has_one_conditioning_token():
    # Conditioning = [bytes:\x99, "Exc"], predicted = ["use", " me", bytes:\xe2\x80] (GPT-2 ids), R = 5.
    prompt, num_conditioning, kept = _adapter("openai/davinci").construct_prompt(
        [110, 40127], [1904, 502, 447], 5, ""
    )
    assert (prompt, num_conditioning, kept) == ("Excuse me", 1, 3)


def test_helm_acceptance_fitting_drops_the_overflowing_predicted_token():
    prompt, predicted = _adapter("openai/davinci").fit_tokens([50256], [464] + [262] * 2048, 2049, "")
    assert prompt == "<|endoftext|>The" + " the" * 2047
    assert predicted == [464] + [262] * 2047


def test_fitting_that_would_empty_the_prediction_is_an_error():
    adapter = _adapter("openai/davinci")
    with pytest.raises(DataError):
        adapter.fit_tokens([262] * 10, [262], 5, "")


def test_short_text_is_one_window_after_the_prefix_token():
    instances = [Instance("Hello world.", [], split="test"), Instance("ignored", [], split="train")]
    states = (
        get_adapter(
            replace(SPEC, model="openai/davinci", random="seed7"), get_window_service("openai/davinci")
        )
        .adapt(instances)
        .request_states
    )
    assert len(states) == 1
    state = states[0]
    assert state.request.prompt == "<|endoftext|>Hello world."
    assert state.num_conditioning_tokens == 1
    request = state.request
    assert (request.echo_prompt, request.max_tokens, request.temperature, request.num_completions) == (
        True,
        0,
        0,
        1,
    )
    assert request.random == "seed7"
    assert (state.reference_index, state.request_mode, state.train_trial_index) == (None, None, 0)
    assert (state.num_train_instances, state.prompt_truncated) == (0, False)


def test_long_text_windows_predict_every_token_once_with_full_windows():
    service = get_window_service("huggingface/gpt2")  # 1024 / 1025
    text = " ".join(f"w{i}" for i in range(1500))
    tokens = service.encode(text).tokens
    assert len(tokens) > 2 * 1024
    states = (
        get_adapter(replace(SPEC, model="huggingface/gpt2", random="r"), service)
        .adapt([Instance(text, [], split="test")])
        .request_states
    )
    predicted = 1024
    assert states[0].request.prompt == "<|endoftext|>" + service.decode(tokens[:1024])
    for state in states[1:]:
        length = min(len(tokens) - predicted, 1024)
        end = predicted + length
        assert state.request.prompt == service.decode(tokens[end - 1025 : end])
        assert state.num_conditioning_tokens == 1025 - length
        assert state.request.random is None
        assert service.get_num_tokens(state.request.prompt) == 1025
        predicted = end
    assert predicted == len(tokens)


def test_a_character_split_at_the_end_of_the_first_window_is_stripped():
    # "a" + " a"*1022 fills tokens 0..1022; " ’" is two byte tokens (1023, 1024): the first window ends mid-character.
    text = "a" + " a" * 1022 + " ’s end"
    states = _adapter("huggingface/gpt2").generate_requests(Instance(text, [], split="test"))
    assert states[0].request.prompt == "<|endoftext|>a" + " a" * 1022 + " "
    assert states[0].num_conditioning_tokens == 1
    # The last window re-conditions on 1022 tokens and predicts the rest of ’, "s" and " end".
    assert states[1].request.prompt == " a" * 1021 + " ’s end"
    assert states[1].num_conditioning_tokens == 1022


def test_a_character_split_at_the_start_of_a_window_loses_its_bytes_and_keeps_one_conditioning_token():
    text = (
        "a" + " a" * 1021 + " ’" + " b" * 1100
    )  # ’'s second byte token is token 1023, the next window's start
    states = _adapter("huggingface/gpt2").generate_requests(Instance(text, [], split="test"))
    assert states[0].request.prompt == "<|endoftext|>a" + " a" * 1021 + " ’"
    assert states[1].request.prompt == " b" * 1024
    assert states[1].num_conditioning_tokens == 1
    assert states[2].num_conditioning_tokens == 1025 - 76


def test_simple_model1_counts_characters(helm_0_5):
    states = _adapter("simple/model1").generate_requests(Instance("x" * 3000, [], split="test"))
    # 2048-character windows; the prefix token is 13 characters, so the first prompt is cut to fit and
    # the 13 characters it lost are predicted by the next window (HELM skipped them).
    assert states[0].request.prompt == "<|endoftext|>" + "x" * 2035
    assert states[0].num_conditioning_tokens == 1
    assert len(states[1].request.prompt) == 2048
    assert states[1].num_conditioning_tokens == 2048 - (3000 - 2035)
    assert len(states) == 2
