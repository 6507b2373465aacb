"""Language-modelling stats (§5.3) on hand-built echoed results, through BasicMetric's LM path."""

from __future__ import annotations

import math

import pytest

from holistic.adaptation.request_state import RequestState, ScenarioState
from holistic.metrics.basic_metrics import BasicMetric, language_modeling_stats, num_bytes_of_token
from holistic.metrics.byte_tokens import group_byte_tokens
from holistic.metrics.metric import MetricContext
from holistic.models.request import Request, RequestResult, Sequence, Token
from holistic.models.window_service import get_window_service
from holistic.run_specs.presets import get_language_modeling_adapter_spec
from holistic.scenarios.base import Instance

SPEC = get_language_modeling_adapter_spec()


def test_helm_acceptance_num_bytes_and_byte_token_grouping():
    tokens = [Token(t, 0.0) for t in ["bytes:\\x99", "Hello", " world", "bytes:\\xe2\\x80"]]
    assert sum(num_bytes_of_token(t.text) for t in tokens) == 14
    stats = {s.name.name: s.sum for s in language_modeling_stats(Sequence("", 0.0, tokens), 0)}
    assert stats["num_bytes"] == 14
    texts = [
        "<|endoftext|>",
        "bytes:\\xe2\\x80",
        "bytes:\\x99",
        "Hello",
        " world",
        "bytes:\\xe2\\x80",
        "bytes:\\x99",
        "<|endoftext|>",
    ]
    groups = group_byte_tokens([Token(t, 0.0) for t in texts])
    assert "".join(text for text, _ in groups) == "<|endoftext|>’Hello world’<|endoftext|>"
    assert [len(members) for _, members in groups] == [1, 2, 1, 1, 2, 1]


def test_conditioning_tokens_and_the_ai21_empty_token_are_not_scored():
    tokens = [Token("", 0.0), Token("<|endoftext|>", -9.0), Token("Hi", -1.5), Token(" there", -0.5)]
    stats = {s.name.name: s.sum for s in language_modeling_stats(Sequence("", 0.0, tokens), 1)}
    assert stats == {"logprob": -2.0, "num_perplexity_tokens": 2, "num_bytes": 8}


def _window(
    instance: Instance, prompt: str, tokens: list[tuple[str, float]], num_conditioning: int
) -> RequestState:
    sequence = Sequence(prompt, sum(lp for _, lp in tokens), [Token(t, lp) for t, lp in tokens])
    request = Request(model="openai/davinci", prompt=prompt, temperature=0, max_tokens=0, echo_prompt=True)
    result = RequestResult(True, [], [sequence], False, request_time=0.5)
    return RequestState(instance, None, None, 0, None, request, result, 0, False, num_conditioning)


def _windows() -> tuple[list[RequestState], list[tuple[list[tuple[str, float]], int]]]:
    doc1 = Instance("Héllo world. Bye", [], split="test", id="id0")
    doc2 = Instance("Second ’doc’", [], split="test", id="id1")
    raw = [
        (
            doc1,
            [
                ("<|endoftext|>", -99.0),
                ("H", -3.1),
                ("é", -2.7),
                ("llo", -0.4),
                (" world", -1.3),
                (".", -0.9),
            ],
            1,
        ),
        (doc1, [(" world", -5.0), (".", -0.2), (" Bye", -4.4)], 2),
        (
            doc2,
            [
                ("<|endoftext|>", -99.0),
                ("Second", -6.6),
                ("bytes:\\xe2\\x80", -1.0),
                ("bytes:\\x98", -0.01),
                ("doc", -2.2),
                ("bytes:\\xe2\\x80\\x99", -0.3),
            ],
            1,
        ),
    ]
    states = [_window(d, "".join(t for t, _ in toks), toks, n) for d, toks, n in raw]
    return states, [(toks, n) for _, toks, n in raw]


def test_bits_per_byte_matches_an_independent_computation():
    states, raw = _windows()
    result = BasicMetric([]).evaluate(
        ScenarioState(SPEC, states), MetricContext(get_window_service("openai/davinci"))
    )
    stats = {(s.name.name, s.name.split): s for s in result.aggregated_stats}

    # Independent computation straight from the token log-probabilities.
    logprob = math.fsum(lp for toks, n in raw for _, lp in toks[n:])
    num_tokens = sum(len(toks) - n for toks, n in raw)
    num_bytes = 0
    for toks, n in raw:
        for text, _ in toks[n:]:
            num_bytes += text.count("\\x") if text.startswith("bytes:") else len(text.encode("utf-8"))
    assert num_bytes == (1 + 2 + 3 + 6 + 1) + 4 + (6 + 2 + 1 + 3 + 3)
    assert stats[("bits_per_byte", "test")].mean == pytest.approx(
        -logprob / num_bytes / math.log(2), abs=1e-9
    )
    assert stats[("logprob_per_byte", "test")].mean == pytest.approx(logprob / num_bytes, abs=1e-9)
    assert stats[("perplexity", "test")].mean == pytest.approx(math.exp(-logprob / num_tokens), abs=1e-9)

    # Summed stats are averaged over windows once; num_instances counts documents.
    assert stats[("logprob", "test")].mean == pytest.approx(logprob / 3)
    assert stats[("logprob", "test")].count == 1
    assert stats[("num_instances", "test")].mean == 2
    # One per-instance entry per window, in request order.
    assert [p.instance_id for p in result.per_instance_stats] == ["id0", "id0", "id1"]
    assert all(p.train_trial_index == 0 for p in result.per_instance_stats)
    # No calibration and no worst-case stats in language modelling.
    assert not any(s.name.perturbation for s in result.aggregated_stats)
    assert ("ece_10_bin", "test") not in stats


def test_contexts_are_derived_separately():
    states, _ = _windows()
    valid = Instance("v", [], split="valid", id="id9")
    states.append(_window(valid, "<|endoftext|>v", [("<|endoftext|>", 0.0), ("v", -math.log(2))], 1))
    result = BasicMetric([]).evaluate(
        ScenarioState(SPEC, states), MetricContext(get_window_service("openai/davinci"))
    )
    stats = {(s.name.name, s.name.split): s.mean for s in result.aggregated_stats}
    assert stats[("bits_per_byte", "valid")] == pytest.approx(1.0)
    assert stats[("num_instances", "valid")] == 1 and stats[("num_instances", "test")] == 2
