"""A fast reader for the plain subset of HOCON that run-entry conf files use.

pyhocon (pyparsing) takes about a second on HELM's 400-entry `run_specs.conf`, more than expanding all its
15,000 RunSpecs. Conf files are almost always plain: objects, lists, quoted strings, integers, booleans,
comments, and newlines or commas as separators. This reader handles exactly that and returns None on
anything else (unquoted strings, substitutions, includes, dotted or repeated keys, `+=`, ...), and the
caller then uses pyhocon, so the result is always what pyhocon would give.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n,]+)
      | (?P<comment>\#[^\n]*|//[^\n]*)
      | (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<number>-?\d+(?![\w.]))
      | (?P<word>true|false|null)(?![\w.\-])
      | (?P<key>[A-Za-z_][A-Za-z0-9_\-]*)(?=[ \t]*[:=])
      | (?P<punct>[{}\[\]:=])""",
    re.VERBOSE,
)
_WORDS = {"true": True, "false": False, "null": None}


class _Unsupported(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _Unsupported
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "comment":
            continue
        if kind == "space":
            # Newlines and commas separate fields and items; remember which (two commas are an error).
            if "," in value or "\n" in value:
                out += [("sep", ",")] * value.count(",") or [("sep", "\n")]
            continue
        if kind == "string":
            try:
                out.append(("value", json.loads(value)))
            except ValueError:
                raise _Unsupported from None
        elif kind == "number":
            out.append(("value", int(value)))
        elif kind == "word":
            out.append(("value", _WORDS[value]))
        else:
            out.append((kind, value))
    return out


def _separators(tokens: list[tuple[str, Any]], i: int, first: bool) -> tuple[int, bool]:
    """Skip separators; (next index, whether there was one). A comma before the first item, or two, is
    an error in HOCON: left to pyhocon."""
    commas, seen = 0, False
    while i < len(tokens) and tokens[i][0] == "sep":
        commas += tokens[i][1] == ","
        seen = True
        i += 1
    if commas > 1 or (first and commas):
        raise _Unsupported
    return i, seen


def _parse_object(tokens: list[tuple[str, Any]], i: int, closing: str | None) -> tuple[dict, int]:
    result: dict[str, Any] = {}
    i, separated = _separators(tokens, i, first=True)
    while True:
        if i == len(tokens):
            if closing is None:
                return result, i
            raise _Unsupported
        kind, value = tokens[i]
        if closing is not None and (kind, value) == ("punct", closing):
            return result, i + 1
        if result and not separated:
            raise _Unsupported  # fields on one line without a comma: HOCON concatenates values
        if kind == "key" or (kind == "value" and isinstance(value, str)):
            key = value
        else:
            raise _Unsupported
        if key in result or i + 1 >= len(tokens) or tokens[i + 1] not in (("punct", ":"), ("punct", "=")):
            raise _Unsupported  # repeated keys merge in HOCON; `key {` needs no colon: leave both to pyhocon
        result[key], i = _parse_value(tokens, i + 2)
        i, separated = _separators(tokens, i, first=False)


def _parse_value(tokens: list[tuple[str, Any]], i: int) -> tuple[Any, int]:
    if i >= len(tokens):
        raise _Unsupported
    kind, value = tokens[i]
    if kind == "value":
        return value, i + 1
    if (kind, value) == ("punct", "{"):
        return _parse_object(tokens, i + 1, "}")
    if (kind, value) == ("punct", "["):
        items: list[Any] = []
        i, separated = _separators(tokens, i + 1, first=True)
        while True:
            if i >= len(tokens):
                raise _Unsupported
            if tokens[i] == ("punct", "]"):
                return items, i + 1
            if items and not separated:
                raise _Unsupported
            item, i = _parse_value(tokens, i)
            items.append(item)
            i, separated = _separators(tokens, i, first=False)
    raise _Unsupported


def parse_plain_hocon(text: str) -> dict[str, Any] | None:
    """The conf as nested dicts and lists, or None when it uses HOCON beyond the plain subset."""
    try:
        tokens = _tokens(text)
        if tokens and tokens[0] == ("punct", "{"):
            result, i = _parse_object(tokens, 1, "}")
        else:
            result, i = _parse_object(tokens, 0, None)
        if i != len(tokens):
            raise _Unsupported
        return result
    except (_Unsupported, RecursionError):
        return None
