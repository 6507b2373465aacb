"""Generation with a shared prompt prefix, decoded in one batch, against each request alone from scratch.

Real 5-shot synthetic_reasoning pattern_match prompts on the bundled SmolLM2: the instructions and the five
in-context examples are the same for every instance of the trial, so the batched engine computes them once
and decodes all instances together. Each request alone (the engine without packing: its whole prompt through
the model's own causal attention, then one token per step) must give the same greedy tokens.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from holistic.models.cache import CacheRegistry  # noqa: E402
from holistic.models.clients import ClientContext, get_client  # noqa: E402
from holistic.models.credentials import Credentials  # noqa: E402

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("one_torch_thread")]

MODEL = "huggingface/smollm2-135m-instruct"


def pattern_match_requests(instances: int, max_tokens: int):
    from holistic.adaptation import get_adapter
    from holistic.adaptation.sampling import sample_eval_instances
    from holistic.models.window_service import get_window_service
    from holistic.run_specs.construct import construct_run_specs
    from holistic.runner.runner import Runner, RunnerOptions
    from holistic.scenarios import create_scenario

    (run_spec,) = construct_run_specs(f"synthetic_reasoning:mode=pattern_match,model={MODEL}")
    with tempfile.TemporaryDirectory() as out:
        runner = Runner(RunnerOptions(suite="t", output_path=out, local_path=out))
        scenario = create_scenario(run_spec.scenario_spec)
        chosen = sample_eval_instances(runner.load_instances(scenario), instances)
        state = get_adapter(run_spec.adapter_spec, get_window_service(MODEL)).adapt(chosen)
    # The run's own requests (greedy, stop at "\n"), with fewer tokens to keep the unbatched side short.
    return [replace(s.request, max_tokens=max_tokens) for s in state.request_states]


def new_client(tmp_path, name: str, **options):
    context = ClientContext(
        CacheRegistry(tmp_path / name), Credentials({}, "test"), {MODEL: options} if options else {}
    )
    return get_client(MODEL, context)


def test_batched_prefix_reuse_gives_the_tokens_of_unbatched_decoding(tmp_path):
    from holistic.models.local.work import common_prefix_length

    requests = pattern_match_requests(8, max_tokens=24)
    client = new_client(tmp_path, "batched")
    tokenizer = client.tokenizer()
    ids = [tokenizer.encode(r.prompt) for r in requests]
    shared = min(common_prefix_length(ids[0], other) for other in ids[1:])
    assert shared > 0.7 * max(map(len, ids))  # the trial's instructions and examples: most of each prompt

    batched = client.make_requests(requests)
    unbatched_client = new_client(tmp_path, "unbatched")
    engine = unbatched_client.engine()
    engine.packing = False
    try:
        unbatched = [unbatched_client.make_request(r) for r in requests]
    finally:
        engine.packing = True

    reasons = set()
    for a, b in zip(batched, unbatched):
        assert a.success and b.success
        x, y = a.completions[0], b.completions[0]
        assert [t.text for t in x.tokens] == [t.text for t in y.tokens]
        assert x.text == y.text and x.finish_reason == y.finish_reason
        # Unbatched steps multiply single rows (other kernels): log-probabilities agree to rounding only.
        assert [t.logprob for t in x.tokens] == pytest.approx([t.logprob for t in y.tokens], abs=1e-4)
        reasons.add(x.finish_reason["reason"])
    # Both ways a sequence ends: its own stop sequence, and max_tokens while others go on.
    assert reasons == {"stop", "length"}


def test_batched_decoding_does_not_depend_on_the_batch(tmp_path):
    # The same requests in one batch, and split into decode phases of two streams with 16-token forward
    # passes (so the shared keys and each stream's own keys differ from one batch to the other). Decoding steps
    # are batch-invariant; prompt chunks use torch's fused attention, whose rounding moves with the chunking by
    # ~1e-6 (1e-5 after a dozen tokens), so log-probabilities agree to that and the tokens are the same.
    requests = pattern_match_requests(6, max_tokens=12)
    one = new_client(tmp_path, "one").make_requests(requests)
    small = new_client(tmp_path, "small", batch_tokens=16, max_streams=2).make_requests(requests)
    for a, b in zip(one, small):
        x, y = a.completions[0], b.completions[0]
        assert [t.text for t in x.tokens] == [t.text for t in y.tokens]
        assert [t.logprob for t in x.tokens] == pytest.approx([t.logprob for t in y.tokens], abs=1e-4)
