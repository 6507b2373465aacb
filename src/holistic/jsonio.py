"""JSON conventions of HELM's output files, dataclass (de)serialisation and atomic writes.

HELM writes `json.dumps(obj, indent=2)` (ASCII-escaped), drops dataclass fields whose value is None
("asdict without nones"), keeps None inside plain dicts, and orders keys by dataclass field order.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, TypeVar

from holistic import atomic_files
from holistic.atomic_files import atomic_write_chunks

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


def from_dict(cls: type[T], data: dict[str, Any], type_hooks: dict[type, Any] | None = None) -> T:
    """Build a (nested) dataclass from a dict as written by `asdict_without_nones` (or read from YAML).

    The one converter for reading records back (run files, the report schema): `dacite`, lists cast to the
    tuples frozen records use, unknown keys ignored (newer HELM files may carry more fields), types not
    re-checked (the files are ours or HELM's; a wrong value fails where it is used).
    """
    import dacite

    config = dacite.Config(cast=[tuple], check_types=False, type_hooks=type_hooks or {})
    return dacite.from_dict(cls, data, config=config)


def dumps(obj: Any, compact: bool = False) -> str:
    """Serialise as HELM does: indent 2, ASCII-escaped, dataclass None fields dropped (`compact`: see _Encoder)."""
    return "".join(_Encoder(compact).chunks(obj))


def json_encoder(compact: bool = False) -> _Encoder:
    """An encoder whose `encode(value, depth)` gives a value's text as json.dumps(indent=2) writes it at that
    depth (for files written element by element)."""
    return _Encoder(compact)


class _Pads(dict):
    """Newline and indentation before a value at each depth ("" everywhere when compact)."""

    def __init__(self, compact: bool) -> None:
        super().__init__()
        self.compact = compact

    def __missing__(self, depth: int) -> str:
        text = self[depth] = "" if self.compact else "\n" + "  " * depth
        return text


class _Encoder:
    """Byte-identical to `json.dumps(asdict_without_nones(obj), indent=2)`, several times faster.

    `compact`: the same values and key order without the whitespace, except that the elements of a top-level
    array (or of an array under a top-level key) each take one line, so that readers can stream them. Such a
    file, loaded and dumped again with indent=2, gives the indented bytes exactly.

    The standard library only has a C encoder without indentation; run files hold millions of values, so
    this one walks dataclasses directly (no intermediate dicts) and memoises the text of small frozen
    records that repeat (metric names, perturbations, instances shared by several requests).
    """

    MEMO_TYPES: tuple[type, ...] = ()

    def __init__(self, compact: bool = False) -> None:
        self.compact = compact
        self.pads = _Pads(compact)
        self.colon = ":" if compact else ": "
        self.memo: dict[tuple[int, int], str] = {}
        self.stat_memo = _STAT_MEMOS[compact]
        """Text of single-value stats by (id of the interned name, depth, value); see metrics.statistic. Shared
        by every encoder of the process: the runs of a suite write the same stats under the same names."""
        if len(self.stat_memo) > STAT_MEMO_LIMIT:
            self.stat_memo.clear()
            _KEPT_ALIVE[compact].clear()
        self.keys: dict[str, str] = {}
        self.records = _RECORD_ENCODERS[compact]
        """Per dataclass type, a function writing its fields (see _record_encoder)."""

    def chunks(self, obj: Any, depth: int = 0):
        """Yield the text in pieces: top-level containers and their lists element by element."""
        if depth > 1:
            yield self.encode(obj, depth)
            return
        if isinstance(obj, (list, tuple)) and obj:
            inner, close = ("\n", "\n") if self.compact else (self.pads[depth + 1], self.pads[depth])
            yield "[" + inner
            for i, item in enumerate(obj):
                if i:
                    yield "," + inner
                yield from self.chunks(item, depth + 1)
            yield close + "]"
            return
        if depth > 0:
            yield self.encode(obj, depth)  # an array element: one piece
            return
        items = None
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            names = _DATACLASS_FIELDS.get(type(obj)) or _register(type(obj))
            items = [(n, v) for n in names if (v := getattr(obj, n)) is not None]
        elif isinstance(obj, dict):
            items = list(obj.items())
        if not items:
            yield self.encode(obj, depth)
            return
        inner = self.pads[depth + 1]
        yield "{" + inner
        for i, (k, v) in enumerate(items):
            if i:
                yield "," + inner
            yield self.key(k if type(k) is str else _json_key(k))
            yield from self.chunks(v, depth + 1)
        yield self.pads[depth] + "}"

    def keep_alive(self, obj: Any) -> None:
        """Keep an object whose id is part of a shared memo key alive while the key is (ids are reused)."""
        _KEPT_ALIVE[self.compact][id(obj)] = obj

    def key(self, key: str) -> str:
        text = self.keys.get(key)
        if text is None:
            text = self.keys[key] = encode_basestring_ascii(key) + self.colon
        return text

    def encode(self, obj: Any, depth: int) -> str:
        t = type(obj)
        if t is str:
            return encode_basestring_ascii(obj)
        if t is bool:
            return "true" if obj else "false"
        if t is int:
            return int.__repr__(obj)
        if t is float:
            return encode_float(obj)
        if obj is None:
            return "null"
        if t is dict:
            return self.encode_items(list(obj.items()), depth)
        if t is list or t is tuple:
            return self.encode_list(obj, depth)
        custom = _CUSTOM_ENCODERS.get(t)
        if custom is not None:
            return custom(self, obj, depth)
        if t in _DATACLASS_FIELDS or (dataclasses.is_dataclass(obj) and not isinstance(obj, type)):
            memo_key = None
            if t in _MEMO_TYPES:
                memo_key = (id(obj), depth)
                text = self.memo.get(memo_key)
                if text is not None:
                    return text
            record = self.records.get(t) or self._record_encoder(t)
            text = record(self, obj, depth)
            if memo_key is not None:
                self.memo[memo_key] = text
            return text
        if isinstance(obj, dict):
            return self.encode_items(list(obj.items()), depth)
        if isinstance(obj, (list, tuple)):
            return self.encode_list(obj, depth)
        if isinstance(obj, bool):
            return "true" if obj else "false"
        if isinstance(obj, int):
            return int.__repr__(int(obj))
        if isinstance(obj, float):
            return encode_float(float(obj))
        if isinstance(obj, str):
            return encode_basestring_ascii(str(obj))
        raise TypeError(f"Object of type {t.__name__} is not JSON serializable")

    def _record_encoder(self, cls: type) -> Any:
        encoder = self.records[cls] = _record_encoder(cls, self.colon)
        return encoder

    def encode_list(self, obj: list | tuple, depth: int) -> str:
        if not obj:
            return "[]"
        inner = self.pads[depth + 1]
        encode = self.encode
        depth += 1
        return "[" + inner + ("," + inner).join([encode(v, depth) for v in obj]) + self.pads[depth - 1] + "]"

    def encode_memoized(self, obj: Any, depth: int) -> str:
        text = self.memo.get((id(obj), depth))
        if text is None:
            text = self.memo[(id(obj), depth)] = self.encode(obj, depth)
        return text

    def encode_items(self, items: list[tuple[Any, Any]], depth: int) -> str:
        if not items:
            return "{}"
        inner = self.pads[depth + 1]
        key = self.key
        encode = self.encode
        parts = [key(k if type(k) is str else _json_key(k)) + encode(v, depth + 1) for k, v in items]
        return "{" + inner + ("," + inner).join(parts) + self.pads[depth] + "}"


def full_stat(stat: dict[str, Any]) -> dict[str, Any]:
    """A Stat's JSON object with every field, from the compact form of per_instance_stats.json.

    Compact files leave out what a Stat's other fields determine (metrics.statistic._encode_stat): a stat
    with count 0 is only its name (count, sum and sum_squared are their defaults, 0); a stat with count 1
    keeps `mean` (HELM's run display reads it) and `sum` only when that is an int; its sum, sum of squares,
    min, max, variance (the int 0) and stddev (0.0) follow. Full objects (HELM's files, --indent-json, stats
    that merged several values) come back unchanged. Keys are in HELM's order, so
    `json.dumps(..., indent=2)` of the expanded records gives HELM's bytes.
    """
    if "sum_squared" in stat:
        return stat
    count = stat.get("count", 0)
    if count == 1 and "mean" in stat:
        mean = stat["mean"]
        value = stat.get("sum", mean)
        return {
            "name": stat["name"],
            "count": 1,
            "sum": value,
            "sum_squared": value * value,
            "min": value,
            "max": value,
            "mean": mean,
            "variance": 0,
            "stddev": 0.0,
        }
    if count == 0:
        return {
            "name": stat["name"],
            "count": 0,
            "sum": stat.get("sum", 0),
            "sum_squared": 0,
            **{k: v for k, v in stat.items() if k not in ("name", "count", "sum")},
        }
    return stat


def _json_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float):
        return encode_float(key)
    if key is None:
        return "null"
    return str(key)


def encode_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


STAT_MEMO_LIMIT = 1 << 14
"""Entries of the shared stat memo (about 5 MB at most); it starts again when a file begins beyond it."""
_STAT_MEMOS: dict[bool, dict[tuple, str]] = {False: {}, True: {}}
_KEPT_ALIVE: dict[bool, dict[int, Any]] = {False: {}, True: {}}

_DATACLASS_FIELDS: dict[type, tuple[str, ...]] = {}
_CUSTOM_ENCODERS: dict[type, Any] = {}


def register_json_encoder(cls: type, encoder: Any) -> None:
    """A faster encoder for a hot record type: `encoder(json_encoder, obj, depth) -> str` (same text)."""
    _CUSTOM_ENCODERS[cls] = encoder


_MEMO_TYPES: set[type] = set()


_RECORD_ENCODERS: dict[bool, dict[type, Any]] = {False: {}, True: {}}


def _record_encoder(cls: type, colon: str) -> Any:
    """`encoder.encode_items` of a dataclass's non-None fields, as one generated function: the field reads
    and key texts are spelled out instead of looked up per field (records are most of a run's files)."""
    names = _DATACLASS_FIELDS.get(cls) or _register(cls)
    lines = [
        "def encode_record(self, obj, depth):",
        "    encode = self.encode",
        "    inner = depth + 1",
        "    parts = []",
    ]
    for name in names:
        if not name.isidentifier():
            raise ValueError(f"field {name!r} of {cls.__name__}")  # dataclass fields always are
        key = encode_basestring_ascii(name) + colon
        lines.append(f"    value = obj.{name}")
        lines.append(f"    if value is not None: parts.append({key!r} + encode(value, inner))")
    lines.append("    if not parts: return '{}'")
    lines.append("    pad = self.pads[inner]")
    lines.append("    return '{' + pad + (',' + pad).join(parts) + self.pads[depth] + '}'")
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # noqa: S102 - the code is built from field names only
    return namespace["encode_record"]


def _register(cls: type) -> tuple[str, ...]:
    names = tuple(f.name for f in dataclasses.fields(cls))
    _DATACLASS_FIELDS[cls] = names
    return names


def memoize_json_of(*classes: type) -> None:
    """Mark frozen record types whose JSON text may be reused when the same object appears again."""
    _MEMO_TYPES.update(classes)


class AtomicFiles(atomic_files.AtomicFiles):
    """`atomic_files.AtomicFiles` that also writes JSON as HELM does."""

    def write_json(self, path: str | os.PathLike, obj: Any, compact: bool = False) -> None:
        self.write_chunks(path, _Encoder(compact).chunks(obj))


def write_json(path: str | os.PathLike, obj: Any, compact: bool = False) -> None:
    """Write `obj` as HELM does (see `dumps`; `compact`: without the whitespace), streamed and atomic."""
    atomic_write_chunks(path, _Encoder(compact).chunks(obj))


def compact_lines_without_nones(objs: Iterable[Any]) -> Iterator[str]:
    """`json.dumps(asdict_without_nones(obj))` for each object (one line each), the text of each distinct
    dataclass object computed once: the RunSpecs of a conf share their metric and perturbation specs."""
    import json

    memo: dict[int, str] = {}
    keep: list[Any] = []  # ids stay valid while their objects are alive

    def encode(value: Any) -> str:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            key = id(value)
            text = memo.get(key)
            if text is None:
                parts = []
                for f in dataclasses.fields(value):
                    item = getattr(value, f.name)
                    if item is not None:
                        parts.append(f"{json.dumps(f.name)}: {encode(item)}")
                text = memo[key] = "{" + ", ".join(parts) + "}"
                keep.append(value)
            return text
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(encode(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{json.dumps(_json_key(k))}: {encode(v)}" for k, v in value.items()) + "}"
        return json.dumps(value)

    for obj in objs:
        yield encode(obj)
