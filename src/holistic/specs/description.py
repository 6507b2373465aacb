"""The RunSpec description grammar (§1.1): `name:key=value,key=value`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from holistic.errors import DescriptionError


@dataclass(frozen=True)
class ParsedDescription:
    name: str
    """The scenario key (HELM calls it class_name)."""

    args: dict[str, Any] = field(default_factory=dict)
    """Arguments in the order given, values coerced to int/float where they parse."""


def coerce(value: str) -> Any:
    """`5` -> 5, `0.3` -> 0.3, anything else stays a string (so `True` stays `"True"`)."""
    for convert in (int, float):
        try:
            return convert(value)
        except ValueError:
            pass
    return value


def parse_description(description: str) -> ParsedDescription:
    description = description.strip()
    if not description:
        raise DescriptionError("empty run spec description (expected <scenario>:<key>=<value>,...)")
    name, sep, args_text = description.partition(":")
    args: dict[str, Any] = {}
    if sep:
        for piece in args_text.split(","):
            if "=" not in piece:
                raise DescriptionError(f"expected <key>=<value>, got '{piece}' in '{description}'")
            key, _, value = piece.partition("=")
            args[key] = coerce(value)
    return ParsedDescription(name=name, args=args)
