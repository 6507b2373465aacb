"""Seeded sampling: which eval instances run (§4.1) and which train instances are in-context examples (§4.3).

Both reproduce HELM's random streams exactly: NumPy's legacy `RandomState(0)` for eval instances and
CPython's Mersenne Twister (`random.Random(seed)`) for in-context examples.
"""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import cycle

# Ties between labels with equally many train instances: HELM 0.2+ shuffles them (after sorting by
# label); HELM 0.1 kept first-appearance order. The --helm-version profile chooses.
from holistic.helm_version import TIE_BREAK_FIRST_APPEARANCE, TIE_BREAK_SHUFFLE, current  # noqa: F401 (re-exported)
from holistic.legacy_random import LegacyRandomState
from holistic.scenarios.base import EVAL_SPLITS, TRAIN_SPLIT, Instance


def sample_eval_instances(instances: list[Instance], max_eval_instances: int | None) -> list[Instance]:
    """All train instances, then the eval instances chosen with seed 0 (in the sampler's order)."""
    train = [i for i in instances if i.split == TRAIN_SPLIT]
    evals = [i for i in instances if i.split in EVAL_SPLITS]
    if max_eval_instances is not None and max_eval_instances < len(evals):
        order = LegacyRandomState(0).permutation(len(evals))[:max_eval_instances]
        evals = [evals[i] for i in order]
    return train + evals


def sample_examples(
    train_instances: list[Instance], seed: int, max_train_instances: int, tie_break: str | None = None
) -> list[Instance]:
    """Pick in-context examples, balancing labels (the text of the first correct reference).

    `tie_break` defaults to the current --helm-version profile's.
    """
    if tie_break is None:
        tie_break = current().in_context_tie_break
    rng = random.Random(seed)
    remaining = min(len(train_instances), max_train_instances)
    unlabelled: list[Instance] = []
    pools: dict[str, list[Instance]] = defaultdict(list)
    for instance in train_instances:
        reference = instance.first_correct_reference
        if reference is None:
            unlabelled.append(instance)
        else:
            pools[reference.output].append(instance)

    if tie_break == TIE_BREAK_SHUFFLE:
        by_size: dict[int, list[str]] = defaultdict(list)
        for label in sorted(pools):
            by_size[len(pools[label])].append(label)
        labels: list[str] = []
        for size in sorted(by_size, reverse=True):
            group = by_size[size]
            rng.shuffle(group)
            labels.extend(group)
    else:
        labels = sorted(pools, key=lambda label: -len(pools[label]))  # stable: first appearance on ties

    examples: list[Instance] = []
    # HELM cycles over labels forever when every pool is empty but picks remain; we stop instead.
    labelled_left = sum(len(p) for p in pools.values())
    for label in cycle(labels) if labels else ():
        if remaining == 0 or labelled_left == 0 or not label:
            break
        pool = pools[label]
        if not pool:
            continue
        examples.append(pool.pop(rng.randrange(len(pool))))
        remaining -= 1
        labelled_left -= 1
    if remaining:
        examples += rng.sample(unlabelled, min(remaining, len(unlabelled)))
    return examples
