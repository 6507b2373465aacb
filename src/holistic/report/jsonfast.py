"""Fast JSON for the summarizer: orjson when installed (3-8x faster), the standard library otherwise.

Run files may hold NaN (HELM writes it), which orjson rejects; those fall back to `json`. Written files
spell NaN and infinities as HELM's `json.dumps` does (`NaN`, `Infinity`, `-Infinity`, readable by HELM's
`json.load`) whichever library writes them: orjson would write `null`, so such documents go through `json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; this keeps exotic platforms working
    orjson = None  # type: ignore[assignment]

BLOCK = 1 << 20


def loads(data: bytes | str) -> Any:
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # NaN/Infinity, which json accepts
    return json.loads(data)


def load(path: str | Path) -> Any:
    with open(path, "rb") as f:
        return loads(f.read())


def dumps_bytes(obj: Any, indent: bool = True, floats: bool = True) -> bytes:
    """UTF-8 JSON, indented with 2 spaces like every other output file (compact with `indent=False`).

    `floats=False` promises a document without floats, so its nulls need no second look.
    """
    if orjson is not None:
        data = orjson.dumps(obj, option=orjson.OPT_INDENT_2 if indent else 0)
        # orjson writes non-finite floats as null: only then (rare) is the document walked and rewritten.
        if not floats or b"null" not in data or not _has_nonfinite(obj):
            return data
    return _std_dumps(obj, indent)


def _std_dumps(obj: Any, indent: bool) -> bytes:
    return json.dumps(
        obj,
        indent=2 if indent else None,
        separators=(",", ": ") if indent else (",", ":"),
        ensure_ascii=False,
        allow_nan=True,
    ).encode()


def dumps_like_json(obj: Any) -> bytes:
    """The bytes of `json.dumps(obj, indent=2)` (ASCII only, Python's float repr, NaN), by orjson where it can.

    orjson lays out indented JSON the same way; floats and strings that it writes otherwise (`1e-5`, raw UTF-8,
    `null` for NaN) go in as fragments already written by `json`. 3-4x faster than json's pure-Python indenting
    encoder.
    """
    if orjson is not None and hasattr(orjson, "Fragment"):
        try:
            return orjson.dumps(_with_fragments(obj), option=orjson.OPT_INDENT_2)
        except (_NotPlain, TypeError):  # orjson.JSONEncodeError is a TypeError
            pass
    return json.dumps(obj, indent=2).encode()


class _NotPlain(Exception):
    """A value json.dumps would write in a way this module does not reproduce (non-string keys, other types)."""


def _plain_text(text: str) -> bool:
    return text.isascii() and text.isprintable()


def _with_fragments(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return value if _plain_text(value) else orjson.Fragment(json.dumps(value).encode())
    if kind is float:  # json writes float.__repr__, or NaN, Infinity, -Infinity
        return orjson.Fragment((repr(value) if value - value == 0 else json.dumps(value)).encode())
    if kind is int or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return [_with_fragments(item) for item in value]
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str or not _plain_text(key):
                raise _NotPlain
            out[key] = _with_fragments(item)
        return out
    raise _NotPlain


def _has_nonfinite(obj: Any) -> bool:
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if item - item != 0:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def iter_array(path: str | Path, key: str | None = None) -> Iterator[Any]:
    """Yield the elements of a file's top-level array (or of the array under top-level `key`), one at a time.

    HELM (and holistic with --indent-json) write these files indented, so an element that opens at indentation
    n closes at the first following line that is exactly n spaces and `}`; holistic's compact files put each
    element on a line of its own. Elements are cut there and parsed one by one, keeping memory flat however
    large the file. Any other layout is parsed whole.
    """
    with open(path, "rb") as f:
        buffer = f.read(BLOCK)
        start = _first_element(buffer, key)
        if start is None:
            yield from _whole(buffer + f.read(), key)
            return
        position, marker = start
        if marker is None:  # empty array
            return
        while True:
            end = buffer.find(marker, position)
            while end < 0:
                more = f.read(BLOCK)
                if not more:
                    raise ValueError(f"{path}: truncated JSON array")
                buffer = buffer[position:] + more
                position = 0
                end = buffer.find(marker, position)
            end += len(marker)
            # A compact element's line ends in `,` (but the last) and the newline; an indented one in `}`.
            yield loads(buffer[position:end].rstrip(b",\n") if marker == b"\n" else buffer[position:end])
            position = end
            # Skip the separator: `,` and whitespace, or the closing `]`.
            while True:
                if position >= len(buffer):
                    more = f.read(BLOCK)
                    if not more:
                        return
                    buffer, position = more, 0
                byte = buffer[position]
                if byte in b" \t\r\n,":
                    position += 1
                    continue
                if byte == ord("]"):
                    return
                if byte != ord("{"):
                    raise ValueError(f"{path}: unexpected element in JSON array")
                break


_NON_SPACE = re.compile(rb"\S")


def _first_element(buffer: bytes, key: str | None) -> tuple[int, bytes | None] | None:
    """Where the first element starts and the bytes that end each element; None if the layout is unknown."""
    if key is None:
        found = _NON_SPACE.search(buffer)
        if found is None or buffer[found.start() : found.start() + 1] != b"[":
            return None
        position = found.start() + 1
    else:
        needle = b'"' + key.encode() + b'": ['
        at = buffer.find(needle)
        if at < 0:
            needle = b'"' + key.encode() + b'":['  # compact
            at = buffer.find(needle)
        if at < 0:
            return None
        position = at + len(needle)
    found = _NON_SPACE.search(buffer, position)
    if found is None:
        return None
    first = buffer[found.start() : found.start() + 1]
    if first == b"]":
        return position, None
    if first != b"{":
        return None
    whitespace = buffer[position : found.start()]
    if b"\n" not in whitespace:
        return None  # compact JSON: no line structure to cut on
    indent = whitespace.rsplit(b"\n", 1)[1]
    if indent.strip():
        return None
    after = buffer[found.start() + 1 : found.start() + 2]
    if not after:
        return None
    if after != b"\n":
        # `{"...` on the line's first column: one element per line (holistic's compact files).
        return (found.start(), b"\n") if not indent else None
    return found.start(), b"\n" + indent + b"}"


def _whole(data: bytes, key: str | None) -> Iterator[Any]:
    value = loads(data)
    if key is not None:
        value = value.get(key, []) if isinstance(value, dict) else []
    yield from value or []
