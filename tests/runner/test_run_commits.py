"""Runs of a suite committed in the background: complete or absent after kill -9, failures reported."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from holistic.jsonio import AtomicFiles, full_stat
from holistic.runner.commits import RunCommits
from holistic.runner.outputs import RUN_FILES
from tests.helpers import run_cli, run_cli_killed_after

SUBJECTS = (
    "anatomy",
    "virology",
    "astronomy",
    "marketing",
    "nutrition",
    "sociology",
    "management",
    "prehistory",
)


def _snapshot(suite: Path) -> dict[str, str]:
    return {
        f"{run.name}/{name}": (run / name).read_text().replace(str(suite.parents[2]), "<dir>")
        for run in sorted(p for p in suite.iterdir() if p.is_dir())
        for name in RUN_FILES
    }


def test_a_suite_killed_between_commits_keeps_only_complete_runs_and_resumes(tmp_path, shared_data):
    descriptions = [f"mmlu:subject={s},model=simple/model1" for s in SUBJECTS]
    args = ["-r", *descriptions, "--suite", "s", "-m", "5", "--data-mirror", str(shared_data), "-q"]
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    clean.mkdir()
    crashed.mkdir()
    assert run_cli(args, clean).returncode == 0

    killed = run_cli_killed_after(27, args, crashed)  # in the sixth run, five runs handed to the committer
    assert killed.returncode == -signal.SIGKILL
    suite = crashed / "benchmarking_output" / "runs" / "s"
    complete = [run for run in suite.iterdir() if (run / "stats.json").exists()]
    assert len(complete) <= 5
    for run in complete:  # a run with its marker has every file, whole
        for name in RUN_FILES:
            data = json.loads((run / name).read_text())
            if name == "per_instance_stats.json":
                assert all("sum_squared" in full_stat(s) for entry in data for s in entry["stats"])

    resumed = run_cli([*args, "--skip-completed-runs"], crashed)
    assert resumed.returncode == 0, resumed.stderr
    assert _snapshot(suite) == _snapshot(clean / "benchmarking_output" / "runs" / "s")


def test_committed_files_are_in_place_after_drain_and_failures_are_reported(tmp_path):
    commits = RunCommits()
    errors: list[BaseException] = []
    good, doomed = AtomicFiles(), AtomicFiles()
    for i in range(3):
        good.write_json(tmp_path / "good" / f"{i}.json", {"i": i})
    doomed.write_json(tmp_path / "doomed" / "a.json", {"a": 1})
    (tmp_path / "doomed" / "gone").mkdir()
    # A rename onto a non-empty directory fails: what is not in place yet is removed, the marker written
    # last never appears, and the error is reported.
    doomed.pending.append((str(tmp_path / "doomed" / "gone"), tmp_path / "good"))
    doomed.write_json(tmp_path / "doomed" / "stats.json", [])
    commits.submit(good, errors.append)
    commits.submit(doomed, errors.append)
    commits.close()
    assert [json.loads((tmp_path / "good" / f"{i}.json").read_text()) for i in range(3)] == [
        {"i": i} for i in range(3)
    ]
    assert len(errors) == 1 and isinstance(errors[0], OSError)
    assert (
        not list((tmp_path / "doomed").glob(".*.tmp")) and not (tmp_path / "doomed" / "stats.json").exists()
    )
