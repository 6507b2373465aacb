"""A large run's per_instance_stats.json parsed by a forked reader while the scenario state is walked: the same
display files as reading it first, whatever the order of its entries; errors reach the caller."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from holistic.report import display, instance_stats, pipes
from holistic.report.display import write_run_display
from tests.helpers import run_description
from tests.report.conftest import no_children_left

FILES = ("instances.json", "display_predictions.json", "display_requests.json")


@pytest.fixture(scope="module")
def large_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reader")
    return run_description(
        root,
        "synthetic_reasoning:mode=pattern_match,model=simple/model1",
        root / "out",
        max_eval_instances=300,
    )


def _display(run: Path, target: Path, parallel: bool) -> tuple[dict[str, bytes], object]:
    shutil.copytree(run, target)
    warnings: list[str] = []
    result = write_run_display(target, None, target / "pages", warnings.append, parallel=parallel)
    if result.pages_in_progress is not None:  # the forked half may still be writing the pages
        result.pages_in_progress.finish()
    files = {name: (target / name).read_bytes() for name in FILES}
    files.update({f"pages/{p.name}": p.read_bytes() for p in sorted((target / "pages").iterdir())})
    assert not warnings
    return files, result


@pytest.fixture
def forks(monkeypatch, fork_pids) -> list[int]:
    """The run is split between two processes even for this small file; counts the forks."""
    monkeypatch.setattr(instance_stats, "SPLIT_MIN_BYTES", 1)
    # Earlier tests of the session may leave daemon threads (HTTP handlers) that would turn the split off.
    monkeypatch.setattr(display, "can_fork", lambda: True)
    return fork_pids


def test_forked_reader_writes_the_same_display_files(large_run, tmp_path, forks):
    expected, expected_result = _display(large_run, tmp_path / "serial", parallel=False)
    assert not forks
    files, result = _display(large_run, tmp_path / "forked", parallel=True)
    assert len(forks) == 1 and no_children_left()
    assert files == expected
    assert (result.costs, result.stat_names, result.index) == (
        expected_result.costs,
        expected_result.stat_names,
        expected_result.index,
    )
    assert result.costs["num_prompt_tokens"] > 0 and "exact_match" in result.stat_names


@pytest.fixture(scope="module")
def multiple_choice_run(tmp_path_factory, shared_data) -> Path:
    """One request per answer choice (predicted_index decides which are shown) and perturbed instances."""
    root = tmp_path_factory.mktemp("mc")
    description = "mmlu:subject=virology,method=multiple_choice_separate_original,model=simple/model1"
    return run_description(
        root,
        f"{description},data_augmentation=misspelling_hard",
        root / "out",
        shared_data,
        max_eval_instances=12,
    )


def test_forked_reader_with_answer_choices_and_perturbations(multiple_choice_run, tmp_path, forks):
    expected, expected_result = _display(multiple_choice_run, tmp_path / "serial", parallel=False)
    files, result = _display(multiple_choice_run, tmp_path / "forked", parallel=True)
    assert len(forks) == 1 and no_children_left()
    assert files == expected and result.index == expected_result.index
    predictions = (tmp_path / "forked" / "display_predictions.json").read_text()
    assert '"perturbation"' in predictions and '"reference_index"' in predictions


def test_entries_in_another_order_than_the_scenario_state(large_run, tmp_path, forks):
    reordered = tmp_path / "reordered-run"
    shutil.copytree(large_run, reordered)
    path = reordered / "per_instance_stats.json"
    lines = path.read_bytes().split(
        b"\n"
    )  # compact: `[`, one entry a line (`,`-terminated but the last), `]`
    entries = [line.rstrip(b",") for line in lines[1:-1]]
    path.write_bytes(b"[\n" + b",\n".join(reversed(entries)) + b"\n]")
    expected, _ = _display(reordered, tmp_path / "serial", parallel=False)
    files, _ = _display(reordered, tmp_path / "forked", parallel=True)
    assert len(forks) == 1 and no_children_left()
    assert files == expected


@pytest.mark.parametrize("parallel, line", [(False, 100), (True, 100), (True, -10)])
def test_a_malformed_entry_is_one_error(large_run, tmp_path, forks, parallel, line):
    """In the first half of the file (read here) or the second (read by the forked process)."""
    broken = tmp_path / "broken"
    shutil.copytree(large_run, broken)
    path = broken / "per_instance_stats.json"
    lines = path.read_bytes().split(b"\n")
    lines[line] = lines[line].replace(b'"name":{"name":', b'"name":{"label":', 1)
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ValueError, match=r"per_instance_stats.json: malformed entry \(KeyError"):
        write_run_display(broken, None, tmp_path / "pages", lambda message: None, parallel=parallel)
    assert len(forks) == int(parallel) and no_children_left()


def test_no_fork_while_another_thread_runs(large_run, tmp_path, forks, monkeypatch):
    """A child forked while another thread holds a lock can deadlock: the run is then read by one process."""
    import threading

    monkeypatch.setattr(display, "can_fork", pipes.can_fork)
    expected, _ = _display(large_run, tmp_path / "serial", parallel=False)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        files, _ = _display(large_run, tmp_path / "with-thread", parallel=True)
    finally:
        release.set()
        other.join()
    assert not forks and files == expected


def test_when_no_process_can_be_forked_one_does_it_all(large_run, tmp_path, forks, monkeypatch):
    expected, _ = _display(large_run, tmp_path / "serial", parallel=False)

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    open_files = len(os.listdir("/proc/self/fd"))
    files, _ = _display(large_run, tmp_path / "unforked", parallel=True)
    assert files == expected
    assert len(os.listdir("/proc/self/fd")) == open_files  # the pipes made for the split are closed


def test_pages_finish_after_the_call_returns_and_their_failure_is_raised_then(large_run, tmp_path, forks):
    target = tmp_path / "run"
    shutil.copytree(large_run, target)
    (tmp_path / "pages").write_text("a file where the pages' directory should be")
    result = write_run_display(target, None, tmp_path / "pages", lambda message: None, parallel=True)
    assert len(forks) == 1 and result.pages_in_progress is not None
    # This side's work is complete: the JSON files and the browser's index (made here, not by the child).
    assert result.num_instances == 300 and result.num_pages == 12 and len(result.index["ids"]) == 300
    assert (target / "display_predictions.json").read_bytes().startswith(b"[")
    with pytest.raises(OSError):
        result.pages_in_progress.finish()
    assert no_children_left()
    result.pages_in_progress.finish()  # once only: nothing left to wait for


def test_a_summarize_warns_when_a_split_runs_pages_fail(large_run, tmp_path, forks):
    from holistic.report.html import run_slug
    from holistic.report.summarizer import SummarizeOptions, summarize

    out = tmp_path / "out"
    shutil.copytree(large_run.parent, out / "runs" / "s")
    (out / "runs" / "s" / "report" / "runs").mkdir(parents=True)
    (out / "runs" / "s" / "report" / "runs" / run_slug(large_run.name)).write_text("not a directory")
    result = summarize(SummarizeOptions(suite="s", output_path=str(out), num_threads=2, progress=False))
    assert len(forks) == 1 and no_children_left()
    assert [w for w in result.warnings if "instance browser's pages could not be written" in w]
    index_page = (out / "runs" / "s" / "report" / "index.html").read_text()
    assert "instance browser&#x27;s pages could not be written" in index_page
