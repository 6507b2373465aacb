"""Group files written by two processes taking groups from one queue: the same files as one process, an error on
either side raised to the caller with no process left behind, and one process when none can be forked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from holistic.report import group_files
from holistic.report.pipes import Exchange, TaskPipe
from holistic.report.summarizer import SummarizeOptions, summarize
from tests.helpers import run_description
from tests.report.conftest import no_children_left


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    """Two runs in different scenario groups: five groups with runs (their own and their parents)."""
    root = tmp_path_factory.mktemp("groups")
    out = root / "out"
    for mode in ("pattern_match", "induction"):
        run = run_description(
            root, f"synthetic_reasoning:mode={mode},model=simple/model1", root / mode, max_eval_instances=3
        )
        shutil.copytree(run, out / "runs" / "s" / run.name)
    return out


@pytest.fixture
def forks(monkeypatch, fork_pids) -> list[int]:
    monkeypatch.setattr(group_files, "SPLIT_MIN_RUNS", 1)
    monkeypatch.setattr(group_files, "can_fork", lambda: True)  # earlier tests may leave daemon threads
    return fork_pids


def _summarize(out: Path, target: Path, threads: int) -> dict[str, bytes]:
    shutil.copytree(out, target)
    summarize(SummarizeOptions(suite="s", output_path=str(target), num_threads=threads, progress=False))
    root = target / "runs" / "s"
    return {
        str(p.relative_to(root)): p.read_bytes().replace(
            str(target).encode(), b"<output>"
        )  # runs.json's paths
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "summary.json"  # today's date
    }


def test_two_processes_write_the_same_group_files_as_one(suite, tmp_path, forks):
    one = _summarize(suite, tmp_path / "one", threads=1)
    assert not forks
    two = _summarize(suite, tmp_path / "two", threads=2)
    assert len(forks) == 1 and no_children_left()
    assert two == one
    assert len([name for name in one if name.startswith("groups/") and name.count("/") == 1]) >= 3
    assert any(name.startswith("report/groups/") for name in one)


@pytest.mark.parametrize("side", ["parent", "child"])
def test_an_error_writing_a_group_on_either_side_reaches_the_caller(
    suite, tmp_path, forks, monkeypatch, side
):
    parent = os.getpid()
    real_write = group_files._write_group

    def failing(*args) -> None:
        if (os.getpid() == parent) == (side == "parent"):
            raise LookupError(f"no table in the {side}")
        real_write(*args)

    monkeypatch.setattr(group_files, "_write_group", failing)
    shutil.copytree(suite, tmp_path / "out")
    options = SummarizeOptions(suite="s", output_path=str(tmp_path / "out"), num_threads=2, progress=False)
    with pytest.raises(LookupError, match=f"no table in the {side}"):
        summarize(options)
    assert len(forks) == 1 and no_children_left()


def test_when_no_process_can_be_forked_one_writes_every_group(suite, tmp_path, forks, monkeypatch):
    one = _summarize(suite, tmp_path / "one", threads=1)

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    open_files = len(os.listdir("/proc/self/fd"))
    assert _summarize(suite, tmp_path / "unforked", threads=2) == one
    assert len(os.listdir("/proc/self/fd")) == open_files  # the queue's and the answer's pipes are closed


def test_each_task_goes_to_exactly_one_of_two_processes():
    tasks = TaskPipe(5000)
    exchange = Exchange()
    if exchange.fork():
        code = 1
        try:
            exchange.send(list(iter(tasks.take, None)))
            code = 0
        finally:
            os._exit(code)
    try:
        mine = list(iter(tasks.take, None))
        theirs = exchange.receive()
    finally:
        exchange.close()
        tasks.close()
    assert sorted(mine + theirs) == list(range(5000))
    assert mine == sorted(mine) and theirs == sorted(theirs)  # each in the order handed out
    with pytest.raises(ValueError, match="at most"):
        TaskPipe(TaskPipe.MAX_TASKS + 1)
