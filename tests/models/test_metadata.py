"""ModelMetadata is frozen data: built once, shared by every client, never changed afterwards."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from holistic.models.deployment_entries import openai_compatible_model
from holistic.models.metadata import ModelMetadata
from holistic.models.registry import find_model, get_model


def test_openai_compatible_models_are_built_with_their_options(monkeypatch):
    monkeypatch.setenv("HOLISTIC_OPENAI_COMPATIBLE_BASE_URL", "http://127.0.0.1:9/v1")
    model = openai_compatible_model("openai-compatible/tiny")
    assert model.args["api_key_optional"] is True
    assert model.args["base_url"] == "http://127.0.0.1:9/v1"


@pytest.mark.parametrize("change", [
    lambda args: args.__setitem__("api_key_optional", False),
    lambda args: args.update(base_url="http://elsewhere"),
    lambda args: args.pop("base_url"),
    lambda args: args.setdefault("timeout", 1),
    lambda args: args.clear(),
])  # fmt: skip
def test_metadata_args_cannot_be_changed_after_building(change):
    model = openai_compatible_model("openai-compatible/frozen")
    before = dict(model.args)
    with pytest.raises(TypeError, match="read-only"):
        change(model.args)
    assert dict(model.args) == before
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.args = {}  # type: ignore[misc]


def test_registered_models_share_one_unchanging_object():
    model = get_model("huggingface/smollm2-135m-instruct")
    assert find_model(model.name) is model
    with pytest.raises(TypeError):
        model.args["device"] = "cuda"
    # A changed model is a new object (what deployments do), the registered one is untouched.
    changed = dataclasses.replace(model, args={**model.args, "device": "cuda"})
    assert changed.args["device"] == "cuda" and model.args.get("device") != "cuda"


def test_frozen_args_survive_pickling_and_copying():
    model = ModelMetadata(
        "acme/m", "m", "acme", "openai", "huggingface/gpt2", 2048, 2048, "", args={"a": [1]}
    )
    for clone in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model), copy.copy(model)):
        assert clone == model and clone.args == {"a": [1]}
        with pytest.raises(TypeError):
            clone.args["a"] = 2


def test_find_model_does_not_resolve_or_register():
    assert find_model("huggingface/not-registered-anywhere") is None
    assert find_model("openai/davinci").display_name
