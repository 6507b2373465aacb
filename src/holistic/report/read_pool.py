"""Reading a suite's runs with `--num-threads`: forked worker processes for large suites, threads otherwise.

Reading a run (parsing its files, writing its display files and page) is Python code that holds the GIL, so
threads overlap only its file I/O; worker processes use the cores. A worker writes the run's files itself
and sends back what the suite's tables need (`_RunRead`) and its warnings, which the parent reports; results
come back in directory order, so every output is the same for any number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

PROCESS_MIN_RUNS = 32
"""Below this many runs, starting processes costs more than it saves: threads are used."""

_worker_state: tuple[Any, Any] | None = None
"""(summarizer, needed stat names), inherited by the forked workers."""


def _read_in_worker(run_dir: Path) -> tuple[Any, list[str]]:
    assert _worker_state is not None
    summarizer, needed = _worker_state
    summarizer.warnings = []
    summarizer._print_warning = lambda message: None  # the parent prints them, in order
    read = summarizer._read_run(run_dir, needed)
    return read, summarizer.warnings


def read_runs(summarizer: Any, run_dirs: list[Path], needed: Any, num_threads: int) -> Iterator[Any]:
    """`summarizer._read_run(d, needed)` for each run directory, in order, on up to `num_threads` workers."""
    global _worker_state
    workers = min(num_threads, len(run_dirs))
    processes = min(workers, os.cpu_count() or 1)
    pool: Executor | None = None
    if (
        processes > 1
        and len(run_dirs) >= PROCESS_MIN_RUNS
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        _worker_state = (summarizer, needed)
        pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
        try:
            for read, warnings in pool.map(_read_in_worker, run_dirs, chunksize=4):
                for message in warnings:
                    summarizer.warn(message)
                yield read
        finally:
            pool.shutdown(cancel_futures=True)
            _worker_state = None
        return
    if workers > 1:
        pool = ThreadPoolExecutor(workers)
        try:
            yield from pool.map(lambda d: summarizer._read_run(d, needed), run_dirs)
        finally:
            pool.shutdown(cancel_futures=True)
        return
    for run_dir in run_dirs:
        yield summarizer._read_run(run_dir, needed)
