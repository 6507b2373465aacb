"""Reading a suite's runs with `--num-threads`: forked worker processes for large suites, threads otherwise.

Reading a run (parsing its files, writing its display files and page) is Python code that holds the GIL, so
threads overlap only its file I/O; worker processes use the cores. A worker writes the run's files itself
and sends back what the suite's tables need (`_RunRead`) and its warnings, which the parent reports; results
come back in directory order, so every output is the same for any number of workers.

The workers are plain forks, each with a pipe to the parent: worker k reads chunks k, k + n, k + 2n, ... of
the suite and the parent takes the chunks in order. A worker ahead of the parent blocks on its full pipe, so
results waiting stay bounded however large the suite. (concurrent.futures' process pool cost 16 ms to import
and more to start: a tenth of summarizing a 57-run suite.)
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from holistic.report.pipes import can_fork, fork_worker, receive, send, stop_workers

PROCESS_MIN_RUNS = 32
"""Below this many runs, starting processes costs more than it saves: threads are used."""

CHUNK_RUNS = 4
"""Runs a worker process reads per message."""


def read_runs(summarizer: Any, run_dirs: list[Path], needed: Any, num_threads: int) -> Iterator[Any]:
    """`summarizer._read_run(d, needed)` for each run directory, in order, on up to `num_threads` workers."""
    workers = min(num_threads, len(run_dirs))
    processes = min(workers, os.cpu_count() or 1)
    if processes > 1 and len(run_dirs) >= PROCESS_MIN_RUNS and can_fork():  # else threads
        workers_started = _start_workers(summarizer, run_dirs, needed, processes)
        if workers_started is not None:
            yield from _collect(summarizer, *workers_started)
            return
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        threads = ThreadPoolExecutor(workers)
        try:
            yield from threads.map(lambda d: summarizer._read_run(d, needed), run_dirs)
        finally:
            threads.shutdown(cancel_futures=True)
        return
    # One run at a time: with cores to spare, a large run is split between two processes (display.py).
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


def _start_workers(
    summarizer: Any, run_dirs: list[Path], needed: Any, processes: int
) -> tuple[int, list[BinaryIO], list[int]] | None:
    """(number of chunks, a pipe and a pid per worker), or None when a fork fails (the caller reads serially)."""
    chunks = [run_dirs[i : i + CHUNK_RUNS] for i in range(0, len(run_dirs), CHUNK_RUNS)]
    pipes: list[BinaryIO] = []
    pids: list[int] = []
    for k in range(processes):
        # The worker closes its copies of the earlier workers' pipes: only they and this process hold them.
        work = functools.partial(_work, summarizer, needed, chunks[k::processes], list(pipes))
        started = fork_worker(work)
        if started is None:
            stop_workers(pipes, pids, kill=True)
            return None
        pids.append(started[0])
        pipes.append(started[1])
    return len(chunks), pipes, pids


def _collect(summarizer: Any, num_chunks: int, pipes: list[BinaryIO], pids: list[int]) -> Iterator[Any]:
    finished = False
    try:
        for i in range(num_chunks):
            yield from _reported(
                summarizer, receive(pipes[i % len(pipes)], "a helm-summarize worker process")
            )
        finished = True
    finally:
        # After an error or an interrupt here, the workers' results are no longer wanted.
        stop_workers(pipes, pids, kill=not finished)


def _work(
    summarizer: Any, needed: Any, chunks: list[list[Path]], inherited: list[BinaryIO], out: BinaryIO
) -> None:
    """In a worker: read the chunks and send each one's results (with their warnings)."""
    for pipe in inherited:
        pipe.close()
    summarizer._print_warning = lambda message: None  # the parent prints them, in order
    for chunk in chunks:
        results = []
        for run_dir in chunk:
            summarizer.warnings = []
            results.append((summarizer._read_run(run_dir, needed), summarizer.warnings))
        send(out, results)
