"""Model deployments: `<local-path>/model_deployments.yaml` sets client options and adds model names.

Layout (HELM 0.5's file, the parts that apply here):

    model_deployments:
      - name: huggingface/smollm2-135m-instruct      # options for a known model
        client_spec:
          args: {device: cpu, dtype: bfloat16}
      - name: huggingface/smollm2-bf16               # a new name ...
        model_name: huggingface/smollm2-135m-instruct  # ... that copies this model's metadata
        max_sequence_length: 4096                    # optional overrides
        client_spec:
          args: {dtype: bfloat16}

`client_spec.args` become `ClientContext.model_options[name]`; HELM's `torch_dtype` is read as `dtype`, and
`pretrained_model_name_or_path` / `revision` / `gguf_file` say where a new model's weights are.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from holistic.errors import ConfigError, HolisticError
from holistic.models.registry import ModelMetadata, get_model, register_model

FILE_NAME = "model_deployments.yaml"
WEIGHT_ARGS = ("pretrained_model_name_or_path", "revision", "gguf_file")


def load_deployments(local_path: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """Register the file's new models and return the client options of every deployment (empty if no file)."""
    path = Path(local_path) / FILE_NAME
    if not path.exists():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{path} is not valid YAML ({str(e).splitlines()[0]})") from e
    entries = data.get("model_deployments", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: expected a list under 'model_deployments'")
    options: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or "/" not in entry["name"]:
            raise ConfigError(
                f"{path}: every deployment needs a name '<organization>/<name>' (got {entry!r})"
            )
        name = entry["name"]
        spec = entry.get("client_spec") or {}
        args = dict(spec.get("args") or {}) if isinstance(spec, dict) else {}
        if "torch_dtype" in args:
            args.setdefault("dtype", args.pop("torch_dtype"))
        register_model(_metadata(path, name, entry, {k: str(args.pop(k)) for k in WEIGHT_ARGS if k in args}))
        options[name] = args
    return options


def _metadata(path: Path, name: str, entry: dict[str, Any], weights: dict[str, str]) -> ModelMetadata:
    base_name = entry.get("model_name") or name
    try:
        base = get_model(base_name)
    except HolisticError as e:
        raise ConfigError(f"{path}: deployment {name}: {e}") from e
    changes: dict[str, Any] = {"name": name}
    if base_name != name:
        changes["display_name"] = entry.get("display_name", name)
    if weights:
        changes["args"] = {
            **{k: v for k, v in base.args.items() if k not in ("bundled_package", "gguf_file")},
            **weights,
        }
    if "tokenizer_name" in entry:
        changes["tokenizer"] = str(entry["tokenizer_name"])
    if "max_sequence_length" in entry:
        length = int(entry["max_sequence_length"])
        changes["max_sequence_length"] = length
        changes["max_request_length"] = int(entry.get("max_request_length", length))
    return replace(base, **changes)
