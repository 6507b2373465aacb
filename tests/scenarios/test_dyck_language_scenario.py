"""dyck_language: generated instances equal HELM's (values from crfm-helm 0.5.16), and are well formed."""

import functools

import pytest

from holistic.errors import DescriptionError
from holistic.scenarios.dyck_language_scenario import DyckLanguageScenario
from tests.helpers import request_states, run, stat_means

# First train instance and the first test instance of HELM's own generator (seed 42), input -> reference.
HELM_INSTANCES = {
    2: [
        ("[ [ [ [ [ [ ] ] ] ]", " ] ]"),
        (
            "[ [ ( ) [ ( [ ( [ [ [ ] ] ] ) ] [ ( [ ( ) ( ( ) ) ( [ ] ) ] ) ] ) ( ( ( [ [ [ [ ( ( [ ] ) ) ] ] ] ] ) ) ) "
            "[ [ ] ] [ [ [ ] ] ] ( )",
            " ] ] ]",
        ),
    ],
    4: [
        ("< [ [ [ < [ ] > ] ]", " ] >"),
        (
            "< < ( ) < ( [ ( [ < < > > ] ) ] [ { [ { } ( ( ) ) ( < > ) ] } ] ) ( { ( [ [ < [ { ( < > ) } ] > ] ] ) } ) "
            "< [ ] > [ [ [ ] ] ] { }",
            " > > >",
        ),
    ],
}
PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}


@functools.cache
def generated(pairs):
    return DyckLanguageScenario(pairs).get_instances()  # about 2 s each: generate once per module


@pytest.mark.parametrize("pairs", HELM_INSTANCES)
def test_instances_equal_helms(pairs):
    instances = generated(pairs)
    assert [i.split for i in instances] == ["train"] * 3 + ["test"] * 500
    train, test = instances[0], instances[3]
    assert [(i.input, i.references[0].output) for i in (train, test)] == HELM_INSTANCES[pairs]


@pytest.mark.parametrize("pairs", [1, 2, 3, 4])
def test_every_instance_is_a_dyck_prefix_and_its_closing(pairs):
    instances = generated(pairs)
    allowed = set(list(PAIRS)[:pairs]) | set(list(PAIRS.values())[:pairs])
    for instance in instances:
        tokens = instance.input.split(" ")
        closing = instance.references[0].output
        assert closing.startswith(" ")
        stack = []
        for token in tokens + closing[1:].split(" "):
            assert token in allowed
            if token in PAIRS:
                stack.append(PAIRS[token])
            else:
                assert stack.pop() == token
        assert not stack  # the reference closes exactly what the input left open
        assert 1 <= len(closing[1:].split(" ")) <= 3
    test_inputs = [i.input for i in instances if i.split == "test"]
    assert len(set(test_inputs)) == 500
    assert not set(test_inputs) & {i.input for i in instances if i.split == "train"}


def test_prompt_and_main_metric(tmp_path):
    run_dir = run(
        tmp_path, "dyck_language:num_parenthesis_pairs=2,model=simple/model1", None, max_eval_instances=1
    )
    (state,) = request_states(run_dir)
    train = generated(2)[:3]
    instruction = "Please complete the rest of the following Dyck sequences, making sure that the parentheses are closed properly."
    # COMP preset: input prefix "Input: ", no suffixes, blocks joined by "\n"; the eval block ends with the input.
    head, *blocks, eval_block = state["request"]["prompt"].split("\n")
    assert head == instruction and blocks[0] == ""
    assert sorted(blocks[1:]) == sorted(f"Input: {i.input}{i.references[0].output}" for i in train)
    assert eval_block == "Input: " + state["instance"]["input"]
    assert (
        run_dir.name == "dyck_language_np=2:model=simple_model1"
    )  # HELM: no ":" yet, so the model joins with one
    # simple/model1 answers with the prompt's last symbol; exact_match_indicator compares last symbols.
    completion = state["result"]["completions"][0]["text"]
    expected = float(completion.strip() == state["instance"]["references"][0]["output"].split(" ")[-1])
    assert stat_means(run_dir)["exact_match_indicator|test|"] == expected


@pytest.mark.parametrize("value", [0, 5, "two"])
def test_bad_number_of_pairs(value):
    with pytest.raises(DescriptionError, match="num_parenthesis_pairs must be 1, 2, 3 or 4"):
        DyckLanguageScenario(value)
