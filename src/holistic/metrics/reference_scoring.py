"""Scoring one reference from an echoed prompt (separate multiple choice, §5.2 `evaluate_references`).

A separate-method request echoes `<prompt><output_prefix><reference><output_suffix>` with a log-probability
per token. The reference's log-probability is the sum over the tokens that cover it.

HELM takes "the last m tokens, where m is the number of tokens of `" " + reference`" in the window
service's tokenizer. That is right only when the window service tokenizes like the model, the reference is
the very end of the prompt and it tokenizes the same alone as in context. holistic locates the reference
in the echoed tokens by their text offsets instead: when the tokens' bytes end with the prompt's bytes
(models may prepend a BOS token), the scored tokens are those overlapping the reference plus the one
whitespace character before it (HELM's leading `" "`, which byte-level BPEs attach to the first word).
When the tokens do not spell out the prompt (`simple/model1` answers with one word; a client that
normalises text), HELM's rule is used, so HELM's results are reproduced exactly there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from holistic.metrics.byte_tokens import token_bytes
from holistic.models.request import Token


@dataclass(frozen=True)
class ReferenceLogprob:
    logprob: float
    """Sum of the log-probabilities of the reference's tokens."""

    num_tokens: int
    """How many tokens were summed."""

    located: bool
    """True when found by text offsets, False when HELM's last-m-tokens rule was used."""


def reference_span(prompt: str, reference: str, output_suffix: str) -> tuple[int, int] | None:
    """Character span of the reference in the prompt, widened by one preceding whitespace; None if not at the end."""
    tail = reference + output_suffix
    if not prompt.endswith(tail):
        return None
    end = len(prompt) - len(output_suffix)
    start = end - len(reference)
    if start > 0 and prompt[start - 1].isspace():
        start -= 1
    return start, end


def locate_reference_tokens(tokens: list[Token], prompt: str, span: tuple[int, int]) -> list[Token] | None:
    """The tokens overlapping `span` of `prompt`, or None when the tokens do not end with the prompt's bytes."""
    pieces = [token_bytes(t.text) for t in tokens]
    echoed = b"".join(pieces)
    prompt_bytes = prompt.encode("utf-8")
    if not tokens or not echoed.endswith(prompt_bytes):
        return None
    base = len(echoed) - len(prompt_bytes)
    start = base + len(prompt[: span[0]].encode("utf-8"))
    end = base + len(prompt[: span[1]].encode("utf-8"))
    selected: list[Token] = []
    offset = 0
    for token, piece in zip(tokens, pieces):
        token_start, offset = offset, offset + len(piece)
        # Overlap with [start, end); an empty span selects nothing.
        if token_start < end and offset > start:
            selected.append(token)
    return selected


def reference_logprob(
    tokens: list[Token], prompt: str, reference: str, output_suffix: str, helm_num_tokens: int
) -> ReferenceLogprob:
    """Log-probability of `reference` in an echoed completion; `helm_num_tokens` = tokens of `" " + reference`."""
    span = reference_span(prompt, reference, output_suffix)
    if span is not None:
        selected = locate_reference_tokens(tokens, prompt, span)
        if selected is not None:
            return ReferenceLogprob(sum(t.logprob for t in selected), len(selected), located=True)
    answer = tokens[-helm_num_tokens:] if helm_num_tokens > 0 else []
    return ReferenceLogprob(sum(t.logprob for t in answer), helm_num_tokens, located=False)


@dataclass(frozen=True)
class ReferenceChoice:
    scores: list[float]
    """Score of each reference, by reference index."""

    predicted_index: int
    """First reference with the highest score."""

    exact_match: float
    """Share of the best-scoring references that are correct (1 or 0 without ties)."""

    max_prob: float
    """Largest softmax probability of the scores."""


def choose_reference(adapter_spec, reference_request_states, context) -> ReferenceChoice:
    """Score every reference and pick one (separate original: mean token logprob; calibrated: difference).

    Ties (the --helm-version profile): every best-scoring reference gets an equal share of the credit
    (HELM 0.5), or a tie with any correct reference counts as correct (HELM v0.1, under which a model
    without log-probabilities scores 100%).
    """
    from holistic.adaptation.request_state import REQUEST_MODE_CALIBRATION
    from holistic.helm_version import current
    from holistic.specs.adapter_spec import ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED

    instance = reference_request_states[0].instance
    references = instance.references
    original: dict[int, ReferenceLogprob] = {}
    calibration: dict[int, ReferenceLogprob] = {}
    for state in reference_request_states:
        assert state.reference_index is not None and state.result is not None
        output = references[state.reference_index].output
        helm_num_tokens = context.window_service.get_num_tokens(" " + output) if context.window_service else 1
        tokens = state.result.completions[0].tokens if state.result.completions else []
        scored = reference_logprob(
            tokens, state.request.prompt, output, adapter_spec.output_suffix, helm_num_tokens
        )
        (calibration if state.request_mode == REQUEST_MODE_CALIBRATION else original)[
            state.reference_index
        ] = scored

    indices = sorted(original)
    if adapter_spec.method == ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED:
        scores = [original[i].logprob - calibration[i].logprob for i in indices]
    else:
        # An empty reference has no tokens: its mean log-probability is taken as 0 (probability 1).
        scores = [
            original[i].logprob / original[i].num_tokens if original[i].num_tokens else 0.0 for i in indices
        ]
    best = max(scores)
    argmax = [i for i, score in zip(indices, scores) if score >= best]
    num_correct = sum(1 for i in argmax if references[i].is_correct)
    return ReferenceChoice(
        scores=scores,
        predicted_index=argmax[0],
        exact_match=num_correct / len(argmax)
        if current().separate_ties_share_credit
        else float(num_correct > 0),
        max_prob=max(softmax(scores)),
    )


def softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]
