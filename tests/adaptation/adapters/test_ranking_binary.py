"""ranking_binary (§4.8): one request per candidate passage; train instances expand per reference."""

from __future__ import annotations

from dataclasses import replace

import pytest

from holistic.adaptation import get_adapter
from holistic.helm_version import helm_version
from holistic.models.window_service import get_window_service
from holistic.run_specs.presets import get_ranking_binary_adapter_spec
from holistic.scenarios.base import CORRECT_TAG, Instance, Reference

SPEC = replace(get_ranking_binary_adapter_spec(4), model="simple/model1", random="r")


def _query(query: str, passages: list[tuple[str, bool]], split: str) -> Instance:
    refs = [Reference(p, [CORRECT_TAG] if ok else []) for p, ok in passages]
    return Instance(query, refs, split=split)


def test_eval_block_and_request_fields():
    instance = _query(
        "how much does a spectacled bear weigh",
        [("Bears weigh 100 kg.", True), ("Cats purr.", False)],
        "valid",
    )
    states = get_adapter(SPEC, get_window_service("simple/model1")).adapt([instance]).request_states
    assert [s.request.prompt for s in states] == [
        "Passage: Bears weigh 100 kg.\nQuery: how much does a spectacled bear weigh\nDoes the passage answer the query?\nAnswer:",
        "Passage: Cats purr.\nQuery: how much does a spectacled bear weigh\nDoes the passage answer the query?\nAnswer:",
    ]
    for index, state in enumerate(states):
        assert (state.reference_index, state.request_mode, state.train_trial_index) == (index, "original", 0)
        request = state.request
        assert (request.temperature, request.max_tokens, request.num_completions) == (0.0, 5, 1)
        assert (request.stop_sequences, request.echo_prompt, request.random) == (["\n"], False, "r")


def test_train_instances_expand_into_one_answered_block_per_reference():
    train = [
        _query("q1", [("wrong one", False), ("right one", True)], "train"),
        _query("q2", [("right two", True), ("wrong two", False)], "train"),
    ]
    evaluated = _query("q3", [("p3", False)], "test")
    (state,) = (
        get_adapter(SPEC, get_window_service("simple/model1")).adapt([*train, evaluated]).request_states
    )
    blocks = state.request.prompt.split("\n\n")
    assert len(blocks) == 5  # 2 train instances x 2 references + the eval block
    assert sorted(blocks[:4]) == sorted(
        [
            "Passage: wrong one\nQuery: q1\nDoes the passage answer the query?\nAnswer: No",
            "Passage: right one\nQuery: q1\nDoes the passage answer the query?\nAnswer: Yes",
            "Passage: right two\nQuery: q2\nDoes the passage answer the query?\nAnswer: Yes",
            "Passage: wrong two\nQuery: q2\nDoes the passage answer the query?\nAnswer: No",
        ]
    )
    # The blocks of one train instance stay together, in reference order.
    first_query = blocks[0].split("\n")[1]
    assert blocks[1].split("\n")[1] == first_query
    assert blocks[4] == "Passage: p3\nQuery: q3\nDoes the passage answer the query?\nAnswer:"
    assert state.num_train_instances == 2


def test_fitting_drops_whole_train_instances(helm_0_5):
    train = [_query(f"q{i}", [("x " * 300, False), ("y " * 300, True)], "train") for i in range(2)]
    evaluated = _query("q", [("p", True)], "test")
    (state,) = (
        get_adapter(SPEC, get_window_service("simple/model1")).adapt([*train, evaluated]).request_states
    )
    # simple/model1 counts characters: one train instance (~1,300 characters) fits in 2,048 - 5, two do not.
    assert state.num_train_instances == 1
    assert state.request.prompt.count("Passage:") == 3


@pytest.mark.parametrize("version", ["0.1", "0.5"])
def test_trials_draw_their_own_train_instances(version):
    train = [_query(f"q{i}", [(f"right {i}", True), (f"wrong {i}", False)], "train") for i in range(6)]
    spec = replace(SPEC, num_train_trials=3)
    with helm_version(version):
        states = (
            get_adapter(spec, get_window_service("openai/davinci"))
            .adapt([*train, _query("q", [("p", True)], "test")])
            .request_states
        )
    assert [s.train_trial_index for s in states] == [0, 1, 2]
    prompts = [s.request.prompt for s in states]
    # Every label is distinct: HELM 0.5 shuffles the tied labels per trial; HELM v0.1 takes them in order of
    # first appearance, so every trial gets the same in-context examples.
    assert (len(set(prompts)) == 1) == (version == "0.1")
    assert all(s.num_train_instances == 2 for s in states)
