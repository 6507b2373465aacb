"""Files written so that a crash never leaves a half-written file under its final name.

Each file goes to a temporary name beside its target, is made durable (fsync) and renamed; `AtomicFiles`
does that for several files at once (a run directory), `runner/commits.py` in the background.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterable
from pathlib import Path


def atomic_write_chunks(path: str | os.PathLike, chunks: Iterable[str]) -> None:
    """Write text pieces to a file so that a crash never leaves a half-written file under the final name.

    Pieces are buffered up to about 1 MB (a run's files are written element by element).
    """
    path = Path(path)
    tmp = _write_temporary(path, chunks, sync=True)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AtomicFiles:
    """Several files written atomically together: each goes to a temporary name, then `commit` makes every
    one durable (fsync) before renaming them. Each file is as safe as with atomic_write_chunks, but the
    journal is committed about once for the lot instead of once per file (the first fsync carries the
    others' data on ext4 and most journaling file systems), which counts in suites of thousands of runs."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, Path]] = []

    def write_chunks(self, path: str | os.PathLike, chunks: Iterable[str]) -> None:
        path = Path(path)
        self.pending.append((_write_temporary(path, chunks, sync=False), path))

    def commit(self) -> None:
        try:
            for tmp, _ in self.pending:
                fsync_path(tmp)
        except BaseException:
            self.abort()
            raise
        self.install()

    def install(self) -> None:
        """Rename the files into place, in the order written (each must be durable already: `commit`)."""
        try:
            for tmp, path in self.pending:
                os.replace(tmp, path)
        except BaseException:
            self.abort()
            raise
        self.pending = []

    def abort(self) -> None:
        for tmp, _ in self.pending:
            with contextlib.suppress(OSError):  # remove every one that can be
                Path(tmp).unlink(missing_ok=True)
        self.pending = []

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def fsync_path(path: str | os.PathLike) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temporary(path: Path, chunks: Iterable[str], sync: bool) -> str:
    """Write the pieces to a new temporary file beside `path` (fsync'ed if `sync`); returns its name."""
    fd, tmp = _create_temporary(path)
    try:
        buffer: list[str] = []
        size = 0
        for chunk in chunks:
            buffer.append(chunk)
            size += len(chunk)
            if size > 1 << 20:
                _write_all(fd, "".join(buffer).encode("utf-8"))
                buffer, size = [], 0
        _write_all(fd, "".join(buffer).encode("utf-8"))
        if sync:
            os.fsync(fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return tmp


_TEMPORARY_NUMBERS = itertools.count()


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new, empty file beside `path`: `.<name>.<pid>-<n>.tmp`, created 0666 less the umask as a plain
    open() would (so a group sharing a results folder can read it, as HELM's outputs can be), its folder
    made if missing. (tempfile.mkstemp costs a random name, a mode change and, for each run's six files,
    a folder check: a suite of thousands of runs creates tens of thousands of files.)"""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    made_folder = False
    while True:
        tmp = f"{path.parent}{os.sep}.{path.name}.{os.getpid()}-{next(_TEMPORARY_NUMBERS)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue  # left by a killed process that had the same pid
        except FileNotFoundError:
            if made_folder:
                raise
            path.parent.mkdir(parents=True, exist_ok=True)
            made_folder = True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
