"""Eval-instance sampling (§4.1) and in-context example selection (§4.3)."""

import pytest

from holistic.adaptation.sampling import (
    TIE_BREAK_FIRST_APPEARANCE,
    TIE_BREAK_SHUFFLE,
    sample_eval_instances,
    sample_examples,
)
from tests.helpers import instance


@pytest.mark.parametrize(
    ("n", "k", "expected"),
    [
        (10, 3, [2, 8, 4]),
        (20, 5, [18, 1, 19, 8, 10]),
        (1000, 10, [993, 859, 298, 553, 672, 971, 27, 231, 306, 706]),
    ],
)
def test_eval_sampling_vectors(n, k, expected):
    evals = [instance(str(i), "a", split="test") for i in range(n)]
    train = [instance("t", "a")]
    chosen = sample_eval_instances(train + evals, k)
    assert chosen[0] is train[0]
    assert [int(i.input) for i in chosen[1:]] == expected


def test_eval_sampling_keeps_everything_under_the_limit():
    evals = [instance(str(i), "a", split="valid") for i in range(4)]
    assert sample_eval_instances(evals, 10) == evals
    assert sample_eval_instances(evals, None) == evals


@pytest.mark.parametrize("tie_break", [TIE_BREAK_SHUFFLE, TIE_BREAK_FIRST_APPEARANCE])
def test_spec_acceptance_example(tie_break):
    train = [instance("say no", "no")] + [instance(f"say yes{i}", "yes") for i in range(1, 5)]
    picked = sample_examples(train, seed=0, max_train_instances=4, tie_break=tie_break)
    assert [i.input for i in picked] == ["say yes4", "say no", "say yes1", "say yes3"]


def test_edge_cases():
    assert sample_examples([], 0, 5) == []
    three = [instance(f"x{i}", str(i)) for i in range(3)]
    assert len(sample_examples(three, 0, 10)) == 3
    unlabelled = [instance(f"u{i}") for i in range(3)]
    assert len(sample_examples(unlabelled, 0, 1)) == 1


def test_mixed_labelled_and_unlabelled_does_not_hang():
    # HELM v0.1 cycles forever here; we fill the remainder from the unlabelled pool.
    train = [instance("a", "x"), instance("u1"), instance("u2")]
    picked = sample_examples(train, 0, 3)
    assert sorted(i.input for i in picked) == ["a", "u1", "u2"]


def test_distinct_labels_differ_by_seed_and_are_deterministic():
    train = [instance(f"p{i}", f"r{i}") for i in range(9)]
    first = [i.input for i in sample_examples(train, 0, 3, TIE_BREAK_SHUFFLE)]
    assert first == [i.input for i in sample_examples(train, 0, 3, TIE_BREAK_SHUFFLE)]
    assert first != [i.input for i in sample_examples(train, 1, 3, TIE_BREAK_SHUFFLE)]


def test_helm_0_1_picks_the_first_distinct_labels_whatever_the_seed():
    # HELM v0.1 (the default profile) keeps first-appearance order on ties: with one instance per label,
    # every trial gets the first labels' instances.
    train = [instance(f"p{i}", f"r{i}") for i in range(9)]
    assert [i.input for i in sample_examples(train, 0, 3)] == ["p0", "p1", "p2"]
    assert [i.input for i in sample_examples(train, 1, 3)] == ["p0", "p1", "p2"]


def test_stress_selection_balances_labels():
    train = [instance(f"prompt{i}", "reference1") for i in range(1, 4)]
    train += [instance(f"prompt{i}", "reference2") for i in range(4, 6)]
    train += [instance(f"prompt{i}", "reference3") for i in range(6, 8)]
    train += [instance(f"single{i}", f"label{i}") for i in range(96)]
    selections = set()
    for seed in range(10):
        picked = sample_examples(train, seed, 5, TIE_BREAK_SHUFFLE)
        labels = [i.references[0].output for i in picked]
        assert [i.input for i in picked] == [
            i.input for i in sample_examples(train, seed, 5, TIE_BREAK_SHUFFLE)
        ]
        # The largest label first, then one of each label of size 2, then two singletons.
        assert labels[0] == "reference1"
        assert sorted(labels[1:3]) == ["reference2", "reference3"]
        assert all(label.startswith("label") for label in labels[3:])
        selections.add(tuple(i.input for i in picked))
    assert len(selections) == 10


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 17, 100, 1000, 1534, 4097, 70000])
def test_eval_sampling_permutes_as_numpys_legacy_random_state(n):
    import numpy as np

    from holistic.legacy_random import LegacyRandomState

    assert LegacyRandomState(0).permutation(n) == np.random.RandomState(0).permutation(n).tolist()
    assert LegacyRandomState(12345).permutation(n) == np.random.RandomState(12345).permutation(n).tolist()
