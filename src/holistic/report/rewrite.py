"""Rewriting the report's derived files in place.

Every summarize rewrites each run's display files, data pages and pages. Opening an existing file with O_TRUNC
makes ext4 (its auto_da_alloc rule, on by default) write the new contents back when the file is closed, so
that a crash cannot leave it empty: 0.28 ms an open, 28 ms for the 100 data pages of a 10,000-instance run.
These files need no such care (the next summarize writes them again), so they are overwritten from the start
and truncated where the new contents end, which ext4 does not treat that way.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO


def open_for_rewrite(path: Path) -> BinaryIO:
    """The file at `path`, open for writing from its start; the caller calls `finish_rewrite` before closing."""
    try:
        return open(path, "r+b")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        return open(path, "wb")  # noqa: SIM115


def finish_rewrite(f: BinaryIO | TextIO) -> None:
    """Cut what is left of the earlier contents, if any: most files of a summarize are written again with the
    same bytes, and a truncate costs a file-system call (and a journal entry) even when it changes nothing."""
    f.flush()
    raw: Any = getattr(f, "buffer", f)  # a text file: its bytes
    if os.fstat(raw.fileno()).st_size > raw.tell():
        raw.truncate()


@contextlib.contextmanager
def rewriting(path: Path) -> Iterator[BinaryIO]:
    with open_for_rewrite(path) as f:
        yield f
        finish_rewrite(f)


@contextlib.contextmanager
def rewriting_text(path: Path) -> Iterator[TextIO]:
    with open_for_rewrite(path) as raw, io.TextIOWrapper(raw, encoding="utf-8") as f:
        yield f
        finish_rewrite(f)


def rewrite_bytes(path: Path, data: bytes) -> None:
    with rewriting(path) as f:
        f.write(data)


def rewrite_text(path: Path, text: str) -> None:
    rewrite_bytes(path, text.encode("utf-8"))
