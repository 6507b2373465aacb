"""The built-in Llama forward pass (models/local/llama.py) against transformers' own, on the bundled SmolLM2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from holistic.errors import ConfigError  # noqa: E402
from holistic.models.local import llama  # noqa: E402
from holistic.models.local.loading import model_config, resolve_source  # noqa: E402
from holistic.models.local.runtime import make_engine  # noqa: E402
from holistic.models.local.work import Job  # noqa: E402
from holistic.models.registry import get_model  # noqa: E402

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("one_torch_thread")]

MODEL = "huggingface/smollm2-135m-instruct"


@pytest.fixture(scope="module")
def source():
    return resolve_source(get_model(MODEL))


@pytest.fixture(scope="module")
def engines(source):
    """(built-in, transformers) engines on the same weights."""
    builtin = make_engine(source, "cpu", "float32", {})
    reference = make_engine(source, "cpu", "float32", {"implementation": "transformers"})
    return builtin, reference


def run(engine, jobs: list[Job]) -> dict:
    outputs: dict = {}
    engine.run(jobs, lambda done: outputs.update(done))
    return outputs


def jobs_with_shared_prefixes() -> list[Job]:
    generator = torch.Generator().manual_seed(7)
    prefix = torch.randint(0, 49152, (60,), generator=generator).tolist()
    jobs = []
    for i in range(6):
        suffix = torch.randint(0, 49152, (5 + 3 * i,), generator=generator).tolist()
        # Echoed and generated jobs, sharing the prefix, one of them twice as long again (a second chunk).
        tokens = prefix + suffix + (prefix if i == 5 else [])
        jobs.append(Job(tokens, echo=i % 2 == 0, max_new_tokens=10, top_k=3 if i == 1 else 1))
    return jobs


def test_the_bundled_model_runs_on_the_builtin_llama(engines):
    builtin, reference = engines
    assert getattr(builtin.model, "native", False) and builtin.packing
    assert not getattr(reference.model, "native", False)
    params = sum(p.numel() for p in builtin.model.parameters())
    assert params == sum(p.numel() for p in reference.model.parameters())
    assert builtin.eos_ids == reference.eos_ids


@pytest.mark.parametrize("packing", [True, False])
def test_packed_and_single_runs_are_bitwise_those_of_transformers(engines, packing):
    builtin, reference = engines
    jobs = jobs_with_shared_prefixes()
    # Small chunks: prompts span several forward passes, so cached keys and masks over them are exercised.
    outputs = []
    for engine in engines:
        previous = engine.packing, engine.chunk_tokens
        engine.packing, engine.chunk_tokens = packing, 32
        try:
            outputs.append(run(engine, jobs))
        finally:
            engine.packing, engine.chunk_tokens = previous
    ours, theirs = outputs
    assert sorted(ours) == sorted(theirs) == list(range(len(jobs)))
    for i in range(len(jobs)):
        assert ours[i].prompt_logprobs == theirs[i].prompt_logprobs
        assert ours[i].prompt_top == theirs[i].prompt_top
        assert [vars(s) for s in ours[i].streams] == [vars(s) for s in theirs[i].streams]
        assert len(ours[i].streams[0].tokens) == 10


def test_a_causal_row_after_cached_tokens_matches_transformers(engines):
    # No mask given: transformers builds the causal mask over the cache; the built-in body does the same.
    builtin, reference = engines
    tokens = torch.tensor([[5, 900, 77, 1234, 31, 8, 4000, 12, 99, 6]])
    hidden = []
    for engine in engines:
        cache = engine.new_cache()
        with torch.inference_mode():
            first = engine.forward_packed(cache, tokens[0, :6].tolist(), list(range(6)), None)
            second = engine.forward_packed(cache, tokens[0, 6:].tolist(), list(range(6, 10)), None)
        hidden.append(torch.cat([first, second]))
    assert torch.equal(hidden[0], hidden[1])


def test_bfloat16_is_bitwise_that_of_transformers(source):
    jobs = jobs_with_shared_prefixes()[:3]
    builtin = make_engine(source, "cpu", "bfloat16", {})
    reference = make_engine(source, "cpu", "bfloat16", {"implementation": "transformers"})
    ours, theirs = run(builtin, jobs), run(reference, jobs)
    for i in range(len(jobs)):
        assert ours[i].prompt_logprobs == theirs[i].prompt_logprobs
        assert [vars(s) for s in ours[i].streams] == [vars(s) for s in theirs[i].streams]


def test_other_configurations_go_to_transformers(source):
    config = model_config(source)
    assert config is not None and llama.supported(config)
    assert not llama.supported({**config, "model_type": "mistral", "architectures": ["MistralForCausalLM"]})
    assert not llama.supported({**config, "rope_parameters": {"rope_theta": 5e5, "rope_type": "llama3"}})
    assert not llama.supported({**config, "hidden_act": "gelu"})
    assert not llama.supported({**config, "quantization_config": {"quant_method": "gguf"}})


def test_an_unknown_implementation_is_a_config_error(source):
    with pytest.raises(ConfigError, match="unknown implementation 'jax'.*auto.*transformers"):
        make_engine(source, "cpu", "float32", {"implementation": "jax"})


def test_a_local_run_does_not_import_transformers():
    code = (
        "import sys\n"
        "from holistic.models.clients import ClientContext, get_client\n"
        "from holistic.models.cache import CacheRegistry\n"
        "from holistic.models.credentials import Credentials\n"
        "from holistic.models.request import Request\n"
        "import tempfile, pathlib\n"
        "context = ClientContext(CacheRegistry(pathlib.Path(tempfile.mkdtemp())), Credentials({}, 't'), {})\n"
        f"client = get_client('{MODEL}', context)\n"
        f"result = client.make_request(Request(model='{MODEL}', prompt='The capital of France is', "
        "temperature=0.0, max_tokens=3))\n"
        "print(result.success, len(result.completions[0].tokens), 'transformers' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert out.stdout.split() == ["True", "3", "False"]
