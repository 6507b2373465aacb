"""Finished runs' files made durable and renamed into place on a background thread (group commit).

A run's files are written under temporary names; making them durable (fsync) waits for the disk, a few
milliseconds a file, which in a suite of many small runs cost more than computing them. The runner hands
each finished run's files to a `RunCommits`, which fsyncs them while the next run computes, then renames
them in the order written (stats.json, the completion marker, last). Runs that finish while a commit is
under way are committed together, their files fsynced concurrently, so that the file system's journal
commits them at once instead of once per file.

What a crash keeps is unchanged: a run directory is complete only when its stats.json was renamed, after
every file of the run was durable; a run killed before that has only temporary files and is run again
(its requests come from the cache). `drain` waits for every handed run, and the runner drains before it
reports the suite done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from holistic.atomic_files import AtomicFiles, fsync_path

FSYNC_THREADS = 8
"""Concurrent fsyncs of one group commit (each waits on the disk, not on the CPU)."""

MAX_PENDING = 64
"""Runs handed but not yet committed before `submit` waits (bounds the temporary files on disk)."""


class RunCommits:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: list[tuple[AtomicFiles, Callable[[BaseException], None]]] = []
        self._busy = False
        self._closed = False
        self._pool: ThreadPoolExecutor | None = None
        self._thread = threading.Thread(target=self._loop, name="holistic-commits", daemon=True)
        self._thread.start()

    def submit(self, files: AtomicFiles, on_error: Callable[[BaseException], None]) -> None:
        """Commit `files` in the background; `on_error(exception)` is called (on the committing thread) if
        that fails, after the temporary files were removed."""
        with self._cond:
            while len(self._queue) >= MAX_PENDING:
                self._cond.wait()
            self._queue.append((files, on_error))
            self._cond.notify_all()

    def drain(self) -> None:
        """Wait until every handed run is committed (or has failed)."""
        with self._cond:
            while self._queue or self._busy:
                self._cond.wait()

    def close(self) -> None:
        self.drain()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()
        if self._pool is not None:
            self._pool.shutdown()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return
                batch, self._queue = self._queue, []
                self._busy = True
                self._cond.notify_all()  # a submit waiting for room goes on
            try:
                self._commit(batch)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _commit(self, batch: list[tuple[AtomicFiles, Callable[[BaseException], None]]]) -> None:
        paths = [tmp for files, _ in batch for tmp, _ in files.pending]
        if len(paths) > 1:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(FSYNC_THREADS, thread_name_prefix="holistic-fsync")
            outcomes = list(self._pool.map(_try_fsync, paths))
        else:
            outcomes = [_try_fsync(path) for path in paths]
        failed = {path: error for path, error in zip(paths, outcomes) if error is not None}
        for files, on_error in batch:
            error = next((failed[tmp] for tmp, _ in files.pending if tmp in failed), None)
            try:
                if error is not None:
                    files.abort()
                    raise error
                files.install()
            except Exception as e:  # noqa: BLE001 - reported to the run it belongs to
                on_error(e)


def _try_fsync(path: str) -> BaseException | None:
    try:
        fsync_path(path)
    except OSError as e:
        return e
    return None
