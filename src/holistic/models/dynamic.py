"""Models outside the registry table that can still be named: `huggingface/<hub id, directory or GGUF file>`
and `openai-compatible/<served model>` (a server configured by environment variables, see deployments.py).

A Hugging Face model's window is the context length in its config (config.json of a directory or of the local
hub cache, or the GGUF header), read without loading anything heavy; 2048 when no config is at hand.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from holistic.models.metadata import ModelMetadata

DEFAULT_WINDOW = 2048
WINDOW_KEYS = ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length", "n_ctx")


def resolve_dynamic_model(name: str) -> ModelMetadata | None:
    """Return metadata for a model that is not in the table, or None if the name means nothing."""
    organization, _, engine = name.partition("/")
    if organization == "huggingface" and engine:
        window = model_window(engine) or DEFAULT_WINDOW
        return ModelMetadata(
            name=name,
            display_name=engine,
            group="huggingface",
            client="huggingface",
            tokenizer=name,
            max_sequence_length=window,
            max_request_length=window,
            prefix_token="",
            tags=("text", "full_functionality_text", "local"),
            in_helm_registry=False,
            args={"pretrained_model_name_or_path": engine},
        )
    if organization == "openai-compatible" and engine:
        from holistic.models.deployment_entries import openai_compatible_model

        return openai_compatible_model(name)
    return None


def model_window(target: str) -> int | None:
    """Context length of a hub id, directory or GGUF file, from files already on disk (None if unknown)."""
    path = Path(target).expanduser()
    try:
        if path.is_file() and path.suffix == ".gguf":
            return gguf_context_length(path)
        if path.is_dir():
            return _window_of_config(path / "config.json")
        try:
            from huggingface_hub import try_to_load_from_cache
        except ImportError:
            return None
        found = try_to_load_from_cache(target, "config.json")
        return _window_of_config(Path(found)) if isinstance(found, str) else None
    except (OSError, ValueError, struct.error):
        return None


def _window_of_config(path: Path) -> int | None:
    if not path.exists():
        return None
    config = json.loads(path.read_text())
    for key in WINDOW_KEYS:
        if isinstance(config.get(key), int):
            return config[key]
    return None


# GGUF value types (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md): fixed sizes by type number.
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9


def gguf_context_length(path: Path) -> int | None:
    """`<architecture>.context_length` from a GGUF header (reads the metadata only, not the tensors)."""
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            raise ValueError(f"{path} is not a GGUF file")
        (version,) = struct.unpack("<I", f.read(4))
        if version < 2:
            return None
        _, kv_count = struct.unpack("<QQ", f.read(16))
        architecture = None
        for _ in range(kv_count):
            key = _read_string(f)
            (kind,) = struct.unpack("<I", f.read(4))
            value = _read_value(f, kind)
            if key == "general.architecture":
                architecture = value
            elif architecture and key == f"{architecture}.context_length":
                return int(value)
    return None


def _read_string(f) -> str:
    (length,) = struct.unpack("<Q", f.read(8))
    return f.read(length).decode("utf-8", errors="replace")


def _read_value(f, kind: int):
    if kind in _SCALARS:
        fmt = "<" + _SCALARS[kind]
        return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]
    if kind == _STRING:
        return _read_string(f)
    if kind == _ARRAY:
        element, count = struct.unpack("<IQ", f.read(12))
        if element in _SCALARS:
            f.seek(struct.calcsize("<" + _SCALARS[element]) * count, 1)
        else:
            for _ in range(count):
                _read_value(f, element)
        return None
    raise ValueError(f"unknown GGUF value type {kind}")
