"""JSON conventions of HELM's output files, dataclass (de)serialisation and atomic writes.

HELM writes `json.dumps(obj, indent=2)` (ASCII-escaped), drops dataclass fields whose value is None
("asdict without nones"), keeps None inside plain dicts, and orders keys by dataclass field order.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import types
import typing
from pathlib import Path
from typing import Any, TypeVar, Union

T = TypeVar("T")


def asdict_without_nones(obj: Any) -> Any:
    """Turn dataclasses into dicts recursively, dropping dataclass fields that are None."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for field in dataclasses.fields(obj):
            value = getattr(obj, field.name)
            if value is None:
                continue
            out[field.name] = asdict_without_nones(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [asdict_without_nones(v) for v in obj]
    if isinstance(obj, dict):
        return {k: asdict_without_nones(v) for k, v in obj.items()}
    return obj


def asdict_with_nones(obj: Any) -> Any:
    """Like dataclasses.asdict but keeping tuples as lists (used by runs/<suite>/run_specs.json)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: asdict_with_nones(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [asdict_with_nones(v) for v in obj]
    if isinstance(obj, dict):
        return {k: asdict_with_nones(v) for k, v in obj.items()}
    return obj


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(args[0], value) if len(args) == 1 else value
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    if origin in (list, tuple):
        (arg, *rest) = typing.get_args(tp) or (Any,)
        items = [_convert(arg, v) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        _, vt = typing.get_args(tp) or (Any, Any)
        return {k: _convert(vt, v) for k, v in value.items()}
    return value


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build a (nested) dataclass from a dict as written by `asdict_without_nones`."""
    hints = _hints(cls)
    kwargs = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name in data:
            kwargs[field.name] = _convert(hints[field.name], data[field.name])
    return cls(**kwargs)


def dumps(obj: Any) -> str:
    """Serialise as HELM does: indent 2, ASCII-escaped, dataclass None fields dropped."""
    return json.dumps(asdict_without_nones(obj), indent=2)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write a file so that a crash never leaves a half-written file under the final name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | os.PathLike, obj: Any) -> None:
    atomic_write_text(path, dumps(obj))
