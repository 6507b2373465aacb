"""Separate multiple choice (§4.7): one echoed request per reference (plus calibration requests)."""

from __future__ import annotations

from dataclasses import replace

from holistic.adaptation import get_adapter
from holistic.models.window_service import get_window_service
from holistic.run_specs.presets import get_multiple_choice_separate_adapter_spec
from holistic.scenarios.base import CORRECT_TAG, Instance, Reference
from holistic.specs.adapter_spec import (
    ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED,
    ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL,
)


def _question(text: str, answers: list[str], correct: int, split: str = "test") -> Instance:
    refs = [Reference(a, [CORRECT_TAG] if i == correct else []) for i, a in enumerate(answers)]
    return Instance(input=text, references=refs, split=split)


def _adapt(spec, instances, model="simple/model1"):
    spec = replace(spec, model=model)
    return get_adapter(spec, get_window_service(model)).adapt(instances)


def test_original_prompts_are_question_space_answer_and_requests_echo_with_no_tokens():
    spec = replace(
        get_multiple_choice_separate_adapter_spec(ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL), random="r1"
    )
    instance = _question("Compute (12)(16) in Z_24", ["0", "1", "4"], 0)
    states = _adapt(spec, [instance]).request_states
    assert [s.request.prompt for s in states] == [
        "Compute (12)(16) in Z_24 0",
        "Compute (12)(16) in Z_24 1",
        "Compute (12)(16) in Z_24 4",
    ]
    assert [(s.reference_index, s.request_mode) for s in states] == [
        (0, "original"),
        (1, "original"),
        (2, "original"),
    ]
    for state in states:
        request = state.request
        assert (request.num_completions, request.temperature, request.max_tokens) == (1, 0.0, 0)
        assert request.echo_prompt is True
        assert request.stop_sequences == []
        assert request.random is None  # HELM does not pass `random` for these requests
        assert request.model == "simple/model1"
        assert (state.num_train_instances, state.prompt_truncated, state.output_mapping) == (0, False, None)
        assert state.instance is instance


def test_calibrated_interleaves_a_calibration_request_after_each_original():
    spec = get_multiple_choice_separate_adapter_spec(ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED)
    states = _adapt(spec, [_question("Who wrote Hamlet?", ["Shakespeare", "Marlowe"], 0)]).request_states
    assert [(s.reference_index, s.request_mode, s.request.prompt) for s in states] == [
        (0, "original", "Who wrote Hamlet? Shakespeare"),
        (0, "calibration", "Answer: Shakespeare"),
        (1, "original", "Who wrote Hamlet? Marlowe"),
        (1, "calibration", "Answer: Marlowe"),
    ]
    assert all(s.request.echo_prompt and s.request.max_tokens == 0 for s in states)


def test_empty_input_blimp_prompts_are_the_sentences():
    spec = get_multiple_choice_separate_adapter_spec(
        ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED, empty_input=True
    )
    instance = _question("", ["Who should Derek hug?", "Who should Derek hug Richard?"], 0)
    prompts = [s.request.prompt for s in _adapt(spec, [instance]).request_states]
    # The calibration input replaces the (empty) input and the output prefix is empty, as in HELM.
    assert prompts == [
        "Who should Derek hug?",
        "Answer:Who should Derek hug?",
        "Who should Derek hug Richard?",
        "Answer:Who should Derek hug Richard?",
    ]


def test_in_context_examples_use_the_first_correct_reference_and_calibration_has_none():
    spec = replace(
        get_multiple_choice_separate_adapter_spec(ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED),
        instructions="Answer the question.\n",
        input_prefix="Question: ",
        input_suffix="\n",
        output_prefix="Answer: ",
        output_suffix="\n",
        max_train_instances=1,
    )
    train = _question("2+2?", ["3", "4"], 1, split="train")
    evaluated = _question("1+1?", ["2", "5"], 0)
    states = _adapt(spec, [train, evaluated]).request_states
    assert (
        states[0].request.prompt
        == "Answer the question.\n\nQuestion: 2+2?\nAnswer: 4\n\nQuestion: 1+1?\nAnswer: 2\n"
    )
    assert states[0].num_train_instances == 1
    assert states[1].request_mode == "calibration"
    assert states[1].request.prompt == "Answer the question.\n\nQuestion: Answer:\nAnswer: 2\n"
    assert states[1].num_train_instances == 0


def test_trials_each_get_their_own_request_states():
    spec = replace(
        get_multiple_choice_separate_adapter_spec(ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL), num_train_trials=3
    )
    instances = [_question("a?", ["x", "y"], 0), _question("b?", ["x", "y"], 1)]
    states = _adapt(spec, instances).request_states
    assert [(s.train_trial_index, s.instance.input, s.reference_index) for s in states] == [
        (t, q, r) for t in range(3) for q in ("a?", "b?") for r in (0, 1)
    ]


def test_window_fitting_drops_examples_then_truncates_from_the_right():
    spec = replace(
        get_multiple_choice_separate_adapter_spec(ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL),
        max_train_instances=2,
        output_suffix="\n",
    )
    train = [_question("train " * 1100, ["yes", "no"], 0, split="train") for _ in range(2)]
    long_eval = _question("eval " * 3000, ["yes", "no"], 0)
    states = _adapt(spec, [*train, long_eval], model="openai/davinci").request_states
    window = get_window_service("openai/davinci")
    for state in states:
        assert state.num_train_instances == 0
        assert state.prompt_truncated
        assert "train" not in state.request.prompt
        # max_tokens is 0, so the whole window is the prompt.
        assert window.get_num_tokens(state.request.prompt) == window.max_request_length
    short_eval = _question("eval", ["yes", "no"], 0)
    states = _adapt(spec, [*train, short_eval], model="openai/davinci").request_states
    assert [s.num_train_instances for s in states] == [1, 1]  # 2 x 1100 tokens do not fit; one does
    assert states[0].request.prompt.endswith("eval yes\n")
