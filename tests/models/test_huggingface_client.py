"""The huggingface client on the bundled SmolLM2-135M-Instruct, checked against independent forward passes."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from holistic.models.cache import CacheRegistry  # noqa: E402
from holistic.models.clients import ClientContext, get_client  # noqa: E402
from holistic.models.credentials import Credentials  # noqa: E402
from holistic.models.request import Request  # noqa: E402

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("one_torch_thread")]

MODEL = "huggingface/smollm2-135m-instruct"


def new_client(tmp_path, name: str = "prod_env", **options):
    context = ClientContext(
        CacheRegistry(tmp_path / name), Credentials({}, "test"), {MODEL: options} if options else {}
    )
    return get_client(MODEL, context)


@pytest.fixture(scope="module")
def model():
    from holistic.models.local.loading import load_model, resolve_source
    from holistic.models.registry import get_model

    # The reference: transformers' own model (the client runs the built-in Llama, bitwise the same).
    return load_model(resolve_source(get_model(MODEL)), "cpu", "float32", "transformers").model


@pytest.fixture(scope="module")
def tokenizer():
    from holistic.models.registry import get_model
    from holistic.models.tokenizers import get_tokenizer

    return get_tokenizer(get_model(MODEL).tokenizer)


def forward_logprobs(model, ids: list[int]) -> torch.Tensor:
    with torch.inference_mode():
        return torch.log_softmax(model(torch.tensor([ids])).logits[0].float(), dim=-1)


def request(prompt: str, **kwargs) -> Request:
    return Request(model=MODEL, prompt=prompt, **{"temperature": 0.0, **kwargs})


def test_greedy_generation_is_deterministic_and_token_by_token_argmax(tmp_path, model, tokenizer):
    prompt = "The capital of France is"
    results = [new_client(tmp_path, f"run{i}").make_request(request(prompt, max_tokens=8)) for i in range(2)]
    assert results[0].success and results[0].completions == results[1].completions
    ids = tokenizer.encode(prompt)
    expected, logprobs = [], []
    for _ in range(8):
        lp = forward_logprobs(model, ids + expected)[-1]
        token = int(torch.argmax(lp))
        expected.append(token)
        logprobs.append(float(lp[token]))
    completion = results[0].completions[0]
    assert [t.text for t in completion.tokens] == [tokenizer.token_text(t) for t in expected]
    assert completion.text == tokenizer.decode(expected)
    assert [t.logprob for t in completion.tokens] == pytest.approx(logprobs, abs=1e-4)
    assert completion.finish_reason == {"reason": "length"}


def test_echo_prompt_logprobs_equal_a_forward_pass(tmp_path, model, tokenizer):
    prompt = "Question: What is two plus two?\nAnswer: four"
    result = new_client(tmp_path).make_request(
        request(prompt, echo_prompt=True, max_tokens=0, top_k_per_token=3)
    )
    completion = result.completions[0]
    ids = tokenizer.encode(prompt)
    assert completion.text == prompt
    assert [t.text for t in completion.tokens] == [tokenizer.token_text(t) for t in ids]
    # The first token has no context: logprob 0, no alternatives (HELM's convention).
    assert completion.tokens[0].logprob == 0.0 and completion.tokens[0].top_logprobs == {}
    lp = forward_logprobs(model, ids)
    expected = [float(lp[d - 1, ids[d]]) for d in range(1, len(ids))]
    assert [t.logprob for t in completion.tokens[1:]] == pytest.approx(expected, abs=1e-4)
    assert completion.logprob == pytest.approx(sum(expected), abs=1e-3)
    for d, token in enumerate(completion.tokens[1:], start=1):
        values, indices = torch.topk(lp[d - 1], 3)
        assert list(token.top_logprobs) == [tokenizer.token_text(int(i)) for i in indices]
        assert list(token.top_logprobs.values()) == pytest.approx(values.tolist(), abs=1e-4)


def mixed_requests() -> list[Request]:
    question = "Question: Which planet is known as the red planet?"
    answers = ["Mars", "Venus", "Jupiter", "Saturn"]
    separate = [request(f"{question} {a}", echo_prompt=True, max_tokens=0) for a in answers]
    calibration = [request(f"Answer: {a}", echo_prompt=True, max_tokens=0) for a in answers]
    generation = [
        request("The capital of France is", max_tokens=6, top_k_per_token=2),
        request(f"{question}\nAnswer:", max_tokens=5, stop_sequences=["\n"]),
        request("Once upon a time", max_tokens=4, temperature=0.8, num_completions=2),
        request("Hello", echo_prompt=True, max_tokens=3),
        request("The capital of France is", max_tokens=3, num_completions=2),
    ]
    return separate + calibration + generation


def assert_same(a, b, tolerance: float = 1e-5) -> None:
    assert a.success and b.success
    assert len(a.completions) == len(b.completions)
    for x, y in zip(a.completions, b.completions):
        assert x.text == y.text
        assert [t.text for t in x.tokens] == [t.text for t in y.tokens]
        assert [t.logprob for t in x.tokens] == pytest.approx([t.logprob for t in y.tokens], abs=tolerance)
        for s, t in zip(x.tokens, y.tokens):
            assert list(s.top_logprobs) == list(t.top_logprobs)
            assert list(s.top_logprobs.values()) == pytest.approx(
                list(t.top_logprobs.values()), abs=tolerance
            )


def test_batched_and_one_at_a_time_results_are_identical(tmp_path):
    requests = mixed_requests()
    batched = new_client(tmp_path, "batched").make_requests(requests)
    for i, r in enumerate(requests):
        assert_same(batched[i], new_client(tmp_path, f"single{i}").make_request(r))


def test_small_chunks_and_few_streams_give_the_same_results(tmp_path):
    # 16-token forward passes and two streams at a time: prompts split across chunks, several decode phases,
    # cache compaction between them.
    requests = mixed_requests()
    default = new_client(tmp_path, "default").make_requests(requests)
    small = new_client(tmp_path, "small", batch_tokens=16, max_streams=2).make_requests(requests)
    for a, b in zip(default, small):
        assert_same(a, b)
    greedy = default[-1].completions
    assert len(greedy) == 2 and greedy[0] == greedy[1]


def test_packed_rows_equal_unpacked_runs(tmp_path):
    requests = mixed_requests()
    packed = new_client(tmp_path, "packed").make_requests(requests)
    client = new_client(tmp_path, "unpacked")
    engine = client.engine()
    engine.packing = False
    try:
        unpacked = client.make_requests(requests)
    finally:
        engine.packing = True
    # Unpacked decoding multiplies single rows (MKL's matrix-vector kernels), so agreement is to rounding only.
    for a, b in zip(packed, unpacked):
        assert_same(a, b, tolerance=1e-4)


def test_stop_sequences_and_max_tokens_truncate_as_helm(tmp_path, tokenizer):
    prompt = "List three colors: red,"
    full = new_client(tmp_path, "full").make_request(request(prompt, max_tokens=12)).completions[0]
    texts = [t.text for t in full.tokens]
    assert len(texts) == 12 and full.finish_reason == {"reason": "length"}

    def generate(name: str, **kwargs):
        return (
            new_client(tmp_path, name).make_request(request(prompt, max_tokens=12, **kwargs)).completions[0]
        )

    # A stop sequence that starts a token: text and tokens are cut before it.
    stop = texts[3]
    stopped = generate("one", stop_sequences=[stop])
    assert stopped.text == full.text[: full.text.index(stop)]
    cut = next(i for i, t in enumerate(texts) if t.startswith(stop))
    assert [t.text for t in stopped.tokens] == texts[:cut]
    assert stopped.logprob == pytest.approx(sum(t.logprob for t in full.tokens[:cut]), abs=1e-4)
    assert stopped.finish_reason == {"reason": "stop"}

    # A stop sequence spanning two tokens: generation ends at the token completing it and the text is cut
    # there; no token starts with it, so HELM's rule keeps the tokens.
    stop = (texts[3] + texts[4])[1:]
    stopped = generate("two", stop_sequences=[stop])
    assert stopped.text == full.text[: full.text.index(stop)]
    assert [t.text for t in stopped.tokens] == texts[:5]
    assert stopped.finish_reason == {"reason": "stop"}

    short = new_client(tmp_path, "short").make_request(request(prompt, max_tokens=3)).completions[0]
    assert [t.text for t in short.tokens] == texts[:3]
    assert short.text == "".join(texts[:3]) and short.finish_reason == {"reason": "length"}


def test_max_tokens_zero_without_echo_is_empty(tmp_path):
    result = new_client(tmp_path).make_request(request("Some prompt", max_tokens=0))
    assert result.success and result.completions[0].text == "" and result.completions[0].tokens == []


def test_sampling_is_reproducible_and_random_gives_new_samples(tmp_path):
    sampled = request("Once upon a time", max_tokens=10, temperature=1.0, num_completions=2)
    first = new_client(tmp_path, "a").make_request(sampled)
    again = new_client(tmp_path, "b").make_request(sampled)
    assert [c.text for c in first.completions] == [c.text for c in again.completions]
    fresh = new_client(tmp_path, "c").make_request(replace(sampled, random="1"))
    assert [c.text for c in fresh.completions] != [c.text for c in first.completions]
    # With a tiny nucleus only the most likely token survives: sampling becomes greedy.
    nucleus = new_client(tmp_path, "d").make_request(replace(sampled, top_p=1e-9, num_completions=1))
    greedy = new_client(tmp_path, "e").make_request(replace(sampled, temperature=0.0, num_completions=1))
    assert nucleus.completions[0].text == greedy.completions[0].text


def test_empty_prompt_generates_and_embeddings_fail(tmp_path):
    client = new_client(tmp_path)
    empty, embedding = client.make_requests([request("", max_tokens=3), request("x", embedding=True)])
    assert empty.success and len(empty.completions[0].tokens) >= 1
    assert not embedding.success and "embeddings" in embedding.error


def test_results_come_from_the_cache_without_loading_the_model(tmp_path):
    requests = mixed_requests()[:3]
    first = new_client(tmp_path).make_requests(requests)
    client = new_client(tmp_path)  # a new context on the same cache files
    again = client.make_requests(requests)
    assert client._engine is None
    assert all(r.cached for r in again) and not any(r.cached for r in first)
    for a, b in zip(first, again):
        assert_same(a, b, tolerance=0)


def test_cache_key_names_weights_and_dtype(tmp_path):
    fp32 = new_client(tmp_path, "a").raw_request(request("x"))
    bf16 = new_client(tmp_path, "b", dtype="bf16").raw_request(request("x"))
    assert fp32["dtype"] == "float32" and bf16["dtype"] == "bfloat16"
    assert fp32["weights"] == bf16["weights"] == "SmolLM2-135M-Instruct.Q4_1.gguf:98362432"
    assert {k: v for k, v in fp32.items() if k != "dtype"} == {k: v for k, v in bf16.items() if k != "dtype"}


def test_token_texts_mark_partial_characters(tokenizer):
    ids = tokenizer.encode("café 😀!")
    texts = [tokenizer.token_text(t) for t in ids]
    assert any(t.startswith("bytes:") for t in texts)  # the emoji's bytes span tokens
    assert tokenizer.decode(ids) == "café 😀!"
    plain = "The quick brown fox"
    assert "".join(tokenizer.tokenize(plain)) == plain


def test_registry_window_is_the_model_config(tmp_path):
    from holistic.models.local.loading import model_config, resolve_source
    from holistic.models.registry import get_model

    metadata = get_model(MODEL)
    config = model_config(resolve_source(metadata))
    assert config is not None and metadata.max_sequence_length == config["max_position_embeddings"]


def test_window_service_loads_the_tokenizer_without_the_weights():
    code = (
        "import sys\n"
        "from holistic.models.window_service import get_window_service\n"
        "from holistic.models.local.loading import loaded_models\n"
        f"ws = get_window_service('{MODEL}')\n"
        "text = 'Hello world ' * 50\n"
        "assert ws.get_num_tokens('Hello world') == 2, ws.get_num_tokens('Hello world')\n"
        "cut = ws.truncate_from_right(text, 8192 - 10)\n"
        "assert ws.get_num_tokens(cut) == 10 and text.startswith(cut)\n"
        "print(loaded_models(), 'torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[]", "False", "False"]


def test_bfloat16_is_close_to_float32(tmp_path):
    prompt = "Question: What is the capital of Italy?\nAnswer: Rome"
    fp32 = new_client(tmp_path, "a").make_request(request(prompt, echo_prompt=True, max_tokens=0))
    bf16 = new_client(tmp_path, "b", dtype="bfloat16").make_request(
        request(prompt, echo_prompt=True, max_tokens=0)
    )
    errors = [
        abs(a.logprob - b.logprob) for a, b in zip(fp32.completions[0].tokens, bf16.completions[0].tokens)
    ]
    assert 0 < max(errors) < 0.5 and not math.isnan(max(errors))


def test_packing_check_catches_a_model_that_ignores_the_mask(monkeypatch):
    from holistic.models.local import runtime
    from holistic.models.local.engine import PackedEngine
    from holistic.models.local.loading import resolve_source
    from holistic.models.registry import get_model

    # The check is for models run by transformers (the built-in Llama honours packed rows by construction).
    source, options = resolve_source(get_model(MODEL)), {"implementation": "transformers"}
    monkeypatch.setattr(runtime, "_CHECKED", {})
    assert runtime.make_engine(source, "cpu", "float32", options).packing
    forward = PackedEngine.forward_packed
    monkeypatch.setattr(
        PackedEngine,
        "forward_packed",
        lambda self, cache, tokens, positions, mask: forward(self, cache, tokens, positions, None),
    )
    monkeypatch.setattr(runtime, "_CHECKED", {})
    assert not runtime.make_engine(source, "cpu", "float32", options).packing
