"""Behaviour profiles: HELM v0.1.0 (the seed, the default) or HELM 0.5, wherever the two versions differ.

The HELM paper and its conf files ran HELM v0.1.0; the reference outputs of later work come from HELM 0.5.
Every behaviour that differs between them is one field of `HelmProfile`, read where it applies
(`current()`); nothing else in holistic compares version strings. Bug fixes that apply to both versions are
not profile fields: they are listed once in docs/compatibility.md.

The profile is process-wide: `helm-run`/`helm-present` select it (`--helm-version`) before any RunSpec is
built, and the runner records it in each run directory (`holistic_run.json`), so `helm-summarize` can say
which one produced a run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

HELM_0_1 = "0.1"
HELM_0_5 = "0.5"
DEFAULT_HELM_VERSION = HELM_0_1

# In-context example ties (labels with equally many train instances), see adaptation/sampling.py.
TIE_BREAK_FIRST_APPEARANCE = "first_appearance"
TIE_BREAK_SHUFFLE = "shuffle"


@dataclass(frozen=True)
class HelmProfile:
    version: str
    """`0.1` or `0.5`."""

    joint_num_outputs: int
    """`num_outputs` of the multiple-choice-joint AdapterSpec preset (and so the request's top-k)."""

    joint_max_tokens: int
    """`max_tokens` of that preset (the tokens reserved for the answer when fitting the window)."""

    in_context_tie_break: str
    """Order of labels with equally many train instances (v0.1: first appearance; 0.2+: sorted, shuffled)."""

    simple_model1_tokenizer: str
    """Window-service tokenizer of `simple/model1` (v0.1: the OpenAI window service, GPT-2)."""

    simple_model1_window: tuple[int, int]
    """(max_sequence_length, max_request_length) of `simple/model1`."""

    simple_model1_splits_on_whitespace: bool
    """0.5: completions are whitespace-separated pieces; v0.1: pieces of `prompt.split(" ")`."""

    separate_ties_share_credit: bool
    """Separate multiple choice: best references tie -> share the credit (0.5) or any correct one wins (v0.1)."""

    calibrate_without_logprobs: bool
    """Calibration stats even when the model returned no log-probabilities (all 0): v0.1 yes, 0.5 no."""


PROFILES: dict[str, HelmProfile] = {
    HELM_0_1: HelmProfile(
        version=HELM_0_1,
        joint_num_outputs=1,
        joint_max_tokens=5,
        in_context_tie_break=TIE_BREAK_FIRST_APPEARANCE,
        simple_model1_tokenizer="huggingface/gpt2",
        simple_model1_window=(2048, 2049),
        simple_model1_splits_on_whitespace=False,
        separate_ties_share_credit=False,
        calibrate_without_logprobs=True,
    ),
    HELM_0_5: HelmProfile(
        version=HELM_0_5,
        joint_num_outputs=5,
        joint_max_tokens=1,
        in_context_tie_break=TIE_BREAK_SHUFFLE,
        simple_model1_tokenizer="simple/model1",
        simple_model1_window=(2048, 2048),
        simple_model1_splits_on_whitespace=True,
        separate_ties_share_credit=True,
        calibrate_without_logprobs=False,
    ),
}

_current: HelmProfile = PROFILES[DEFAULT_HELM_VERSION]


def get_profile(version: str) -> HelmProfile:
    from holistic.errors import UnknownNameError, one_of

    if version not in PROFILES:
        raise UnknownNameError(f"unknown HELM version '{version}' ({one_of(PROFILES)})")
    return PROFILES[version]


def current() -> HelmProfile:
    return _current


def set_helm_version(version: str) -> HelmProfile:
    """Select the profile for the rest of the process (the CLI does this once, before building RunSpecs)."""
    global _current
    _current = get_profile(version)
    return _current


@contextmanager
def helm_version(version: str) -> Iterator[HelmProfile]:
    """Select a profile for a block (tests, library use), restoring the previous one after."""
    previous = _current
    try:
        yield set_helm_version(version)
    finally:
        set_helm_version(previous.version)
