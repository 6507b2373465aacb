"""Code blocks of the docs, as the tests run them unchanged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
SRC = Path(__file__).resolve().parents[2] / "src"
_BLOCK = re.compile(r"(<!-- slow:[^>]*-->\n)?```(\w*)\n(.*?)```", re.S)


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    slow: bool
    """Preceded by `<!-- slow: ... -->` (needs a model or a package the fast tests do without)."""

    @property
    def file_name(self) -> str | None:
        """The path a block stands for, when its first line is a comment naming one (`# pkg/file.py`)."""
        first = self.text.split("\n", 1)[0]
        if first.startswith("# ") and ("/" in first or first.endswith((".jsonl", ".toml", ".py"))):
            name = first[2:].strip()
            return name if " " not in name else None
        return None

    @property
    def body(self) -> str:
        """The text without the naming comment."""
        return self.text.split("\n", 1)[1] if self.file_name else self.text


def code_blocks(name: str) -> list[Block]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return [Block(language, body, bool(slow)) for slow, language, body in _BLOCK.findall(text)]


def write_files(blocks: list[Block], root: Path) -> list[Path]:
    written = []
    for block in blocks:
        if block.file_name:
            path = root / block.file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.body, encoding="utf-8")
            written.append(path)
    return written
