"""Prompt assembly (§4.2) and the simple1 golden example (§11.1)."""

import pytest

from holistic.adaptation.adapters import get_adapter
from holistic.adaptation.adapters.generation import GenerationAdapter
from holistic.adaptation.sampling import TIE_BREAK_FIRST_APPEARANCE, sample_eval_instances
from holistic.helm_version import helm_version
from holistic.models.window_service import get_window_service
from holistic.run_specs.presets import get_generation_adapter_spec, get_multiple_choice_joint_adapter_spec
from holistic.scenarios.simple_scenarios import Simple1Scenario
from holistic.specs import AdapterSpec
from tests.helpers import instance


def test_generation_worked_example():
    spec = get_generation_adapter_spec(input_noun="Passage", output_noun="Answer")
    spec = AdapterSpec(**{**spec.__dict__, "model": "simple/model1", "max_train_instances": 2})
    train = [instance("P1\nQuestion: Q1?", "Yes"), instance("P2\nQuestion: Q2?", "No")]
    states = (
        get_adapter(spec, get_window_service("simple/model1"))
        .adapt(train + [instance("P3\nQuestion: Q3?", "Yes", split="valid")])
        .request_states
    )
    prompt = states[0].request.prompt
    assert prompt in (
        "Passage: P1\nQuestion: Q1?\nAnswer: Yes\n\nPassage: P2\nQuestion: Q2?\nAnswer: No\n\nPassage: P3\nQuestion: Q3?\nAnswer:",
        "Passage: P2\nQuestion: Q2?\nAnswer: No\n\nPassage: P1\nQuestion: Q1?\nAnswer: Yes\n\nPassage: P3\nQuestion: Q3?\nAnswer:",
    )
    assert states[0].num_train_instances == 2


@pytest.mark.parametrize(
    ("version", "reserved", "top_k"),
    [("0.1", 5, 1), ("0.5", 1, 5)],  # the preset's max_tokens and num_outputs (HELM v0.1 vs 0.5)
)
def test_joint_multiple_choice_block_and_request(version, reserved, top_k):
    with helm_version(version):
        _check_joint_multiple_choice_block_and_request(reserved, top_k)


def _check_joint_multiple_choice_block_and_request(reserved: int, top_k: int) -> None:
    spec = get_multiple_choice_joint_adapter_spec(
        "The following are multiple choice questions (with answers) about anatomy.",
        "Question",
        "Answer",
        max_train_instances=1,
    )
    spec = AdapterSpec(**{**spec.__dict__, "model": "simple/model1"})
    train = [instance("q1", "r3", others=("r1", "r2"))]
    evaluated = instance("q", "right", split="test", others=("wrong",))
    (state,) = (
        get_adapter(spec, get_window_service("simple/model1")).adapt(train + [evaluated]).request_states
    )
    assert state.request.prompt == (
        "The following are multiple choice questions (with answers) about anatomy.\n\n"
        "Question: q1\nA. r3\nB. r1\nC. r2\nAnswer: A\n\nQuestion: q\nA. right\nB. wrong\nAnswer:"
    )
    assert state.output_mapping == {"A": "right", "B": "wrong"}
    request = state.request
    assert (
        request.temperature,
        request.max_tokens,
        request.num_completions,
        request.top_k_per_token,
        request.stop_sequences,
    ) == (0.0, 1, 1, top_k, [])
    assert (spec.max_tokens, spec.num_outputs) == (reserved, top_k)


def test_global_prefix_and_substitutions():
    spec = AdapterSpec(
        method="generation",
        model="simple/model1",
        global_prefix="[NLG]",
        max_train_instances=0,
        substitutions=[],
    )
    from holistic.specs import Substitution

    spec = AdapterSpec(**{**spec.__dict__, "substitutions": [Substitution("\n", ";\n")]})
    (state,) = (
        get_adapter(spec, get_window_service("simple/model1"))
        .adapt([instance("a b", "c", split="test")])
        .request_states
    )
    assert state.request.prompt == "[NLG] Input: a b;\nOutput:"


def test_simple1_instances_match_the_spec():
    instances = Simple1Scenario().get_instances()
    assert [(i.input, i.references[0].output) for i in instances[:4]] == [
        ("4 18 2 8 3", "8"), ("14 15 12 6 3", "6"), ("0 12 13 19 0", "19"), ("8 7 18 3 10", "8"),
    ]  # fmt: skip
    assert [(i.input, i.references[0].output) for i in instances[10:12]] == [
        ("12 18 1 15 7", "15"),
        ("13 5 11 17 11", "13"),
    ]
    assert all(i.references[1].output == "-1" and i.references[1].tags == [] for i in instances)


def test_simple1_trial_prompts_under_helm_0_1_tie_break():
    from holistic.run_specs.simple1 import run_spec

    spec = run_spec().adapter_spec
    instances = [i.with_id(f"id{n}") for n, i in enumerate(Simple1Scenario().get_instances())]
    adapter = GenerationAdapter(spec, get_window_service("simple/model1"))
    assert adapter.tie_break is None  # the default profile (HELM v0.1) breaks ties by first appearance
    adapter.tie_break = TIE_BREAK_FIRST_APPEARANCE
    states = adapter.adapt(sample_eval_instances(instances, spec.max_eval_instances)).request_states
    assert len(states) == 30
    first = next(s for s in states if s.instance.id == "id10" and s.train_trial_index == 0)
    assert first.request.prompt == (
        "Please solve the following problem.\n\nInput: 8 7 18 3 10\nOutput: 8\n\nInput: 9 0 13 17 3\nOutput: 0\n\n"
        "Input: 13 0 16 7 14\nOutput: 7\n\nInput: 14 15 12 6 3\nOutput: 6\n\nInput: 0 12 13 19 0\nOutput: 19\n\n"
        "Input: 12 18 1 15 7\nOutput:"
    )
    request = first.request
    assert (request.temperature, request.num_completions, request.max_tokens, request.stop_sequences) == (
        1,
        3,
        100,
        ["."],
    )
