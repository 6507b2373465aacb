"""Reading a suite's runs with `--num-threads`: forked worker processes for large suites, threads otherwise.

Reading a run (parsing its files, writing its display files and page) is Python code that holds the GIL, so
threads overlap only its file I/O; worker processes use the cores. A worker writes the run's files itself
and sends back what the suite's tables need (`_RunRead`) and its warnings, which the parent reports; results
come back in directory order, so every output is the same for any number of workers.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROCESS_MIN_RUNS = 32
"""Below this many runs, starting processes costs more than it saves: threads are used."""

CHUNK_RUNS = 4
"""Runs a worker process reads per task."""

CHUNKS_IN_FLIGHT = 4
"""Tasks queued per worker process: enough to keep them busy, few enough that results waiting for the parent
(each run's runs.json entry is its run_spec.json and stats.json) stay bounded however large the suite."""

_worker_state: tuple[Any, Any] | None = None
"""(summarizer, needed stat names), inherited by the forked workers."""


def _read_in_worker(run_dirs: list[Path]) -> list[tuple[Any, list[str]]]:
    assert _worker_state is not None
    summarizer, needed = _worker_state
    summarizer._print_warning = lambda message: None  # the parent prints them, in order
    out = []
    for run_dir in run_dirs:
        summarizer.warnings = []
        out.append((summarizer._read_run(run_dir, needed), summarizer.warnings))
    return out


def read_runs(summarizer: Any, run_dirs: list[Path], needed: Any, num_threads: int) -> Iterator[Any]:
    """`summarizer._read_run(d, needed)` for each run directory, in order, on up to `num_threads` workers."""
    global _worker_state
    workers = min(num_threads, len(run_dirs))
    processes = min(workers, os.cpu_count() or 1)
    if processes > 1 and len(run_dirs) >= PROCESS_MIN_RUNS:
        import multiprocessing

        if "fork" in multiprocessing.get_all_start_methods():
            from concurrent.futures import ProcessPoolExecutor

            _worker_state = (summarizer, needed)
            pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
            chunks = (run_dirs[i : i + CHUNK_RUNS] for i in range(0, len(run_dirs), CHUNK_RUNS))
            pending: deque[Any] = deque()
            try:
                for chunk in chunks:
                    pending.append(pool.submit(_read_in_worker, chunk))
                    if len(pending) < processes * CHUNKS_IN_FLIGHT:
                        continue
                    yield from _reported(summarizer, pending.popleft().result())
                while pending:
                    yield from _reported(summarizer, pending.popleft().result())
            finally:
                pool.shutdown(cancel_futures=True)
                _worker_state = None
            return
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        threads = ThreadPoolExecutor(workers)
        try:
            yield from threads.map(lambda d: summarizer._read_run(d, needed), run_dirs)
        finally:
            threads.shutdown(cancel_futures=True)
        return
    # One run at a time: with cores to spare, a large run's per-instance stats are parsed by a forked reader.
    summarizer.parallel_display = num_threads > 1 and (os.cpu_count() or 1) > 1
    try:
        for run_dir in run_dirs:
            yield summarizer._read_run(run_dir, needed)
    finally:
        summarizer.parallel_display = False


def _reported(summarizer: Any, results: list[tuple[Any, list[str]]]) -> Iterator[Any]:
    for read, warnings in results:
        for message in warnings:
            summarizer.warn(message)
        yield read
