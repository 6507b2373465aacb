"""Run-entry conf files (§10.1): HOCON with `entries: [{description, priority, groups?}, ...]`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from holistic.errors import ConfigError


@dataclass(frozen=True)
class RunEntry:
    description: str
    """RunSpec description."""

    priority: int
    """1 is the highest."""

    groups: list[str] = field(default_factory=list)
    """Extra run groups."""


def read_run_entries(paths: list[str]) -> list[RunEntry]:
    entries: list[RunEntry] = []
    for path in paths:
        entries.extend(_read(Path(path)))
    return entries


def _read(path: Path) -> list[RunEntry]:
    if not path.is_file():
        raise ConfigError(f"conf file {path} does not exist (expected a HOCON file with `entries: [...]`)")
    from holistic.specs.conf_fast import parse_plain_hocon

    text = path.read_text(encoding="utf-8")
    conf = parse_plain_hocon(text)  # pyhocon takes a second on HELM's conf; the plain subset is instant
    if conf is None:
        from pyhocon import ConfigFactory

        try:
            conf = ConfigFactory.parse_string(text)
        except Exception as e:  # pyhocon raises pyparsing errors of several kinds
            message = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ConfigError(f"invalid HOCON in {path}: {message}") from None
    raw_entries = conf.get("entries", None)
    if raw_entries is None:
        raise ConfigError(
            f"{path} has no `entries` list (expected entries: [{{description: ..., priority: 1}}])"
        )
    entries = []
    for i, raw in enumerate(raw_entries):
        try:
            description = raw["description"]
            priority = int(raw["priority"])
        except (KeyError, TypeError, ValueError):
            raise ConfigError(
                f"{path}: entry {i + 1} needs `description` (string) and `priority` (integer)"
            ) from None
        groups = list(raw.get("groups", []) or [])
        entries.append(
            RunEntry(description=str(description), priority=priority, groups=[str(g) for g in groups])
        )
    return entries
