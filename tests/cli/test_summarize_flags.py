"""helm-summarize's --num-threads and --skip-slim-per-instance-stats do what HELM's do."""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import run_cli

SUMMARIZE = "holistic.cli.summarize"
RUNS = ["simple1", "synthetic_reasoning:mode=pattern_match,model=simple/model1", "simple1:num_train_trials=2"]


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "summary.json"  # summary.json holds today's date only
    }


def test_num_threads_gives_the_same_files_as_one_thread(tmp_path):
    assert run_cli(["-r", *RUNS, "--suite", "s", "-m", "4", "-q"], tmp_path).returncode == 0
    suite = tmp_path / "benchmarking_output/runs/s"
    one = run_cli(["--suite", "s", "-n", "1", "-q"], tmp_path, module=SUMMARIZE)
    assert one.returncode == 0, one.stderr
    single = _files(suite)
    shutil.rmtree(suite / "report")
    four = run_cli(["--suite", "s", "--num-threads", "4", "-q"], tmp_path, module=SUMMARIZE)
    assert four.returncode == 0, four.stderr
    assert "summarized 3 run(s)" in four.stderr
    assert _files(suite) == single
    bad = run_cli(["--suite", "s", "-n", "0"], tmp_path, module=SUMMARIZE)
    assert bad.returncode == 2 and bad.stderr.startswith("error: argument -n/--num-threads")


def test_slim_per_instance_stats_unless_skipped(tmp_path):
    assert run_cli(["-r", "simple1", "--suite", "s", "-m", "3", "-q"], tmp_path).returncode == 0
    run = tmp_path / "benchmarking_output/runs/s/simple1"
    skipped = run_cli(["--suite", "s", "--skip-slim-per-instance-stats", "-q"], tmp_path, module=SUMMARIZE)
    assert skipped.returncode == 0 and not (run / "per_instance_stats_slim.json").exists()

    assert run_cli(["--suite", "s", "-q"], tmp_path, module=SUMMARIZE).returncode == 0
    full = json.loads((run / "per_instance_stats.json").read_text())
    slim = json.loads((run / "per_instance_stats_slim.json").read_text())
    assert (run / "per_instance_stats_slim.json").read_text() == json.dumps(slim, indent=2)  # HELM's layout
    assert [e["instance_id"] for e in slim] == [e["instance_id"] for e in full]
    for full_entry, slim_entry in zip(full, slim):
        assert {k: v for k, v in slim_entry.items() if k != "stats"} == {
            k: v for k, v in full_entry.items() if k != "stats"
        }
        assert slim_entry["stats"] == [
            {"name": {"name": s["name"]["name"]}, **({"mean": s["mean"]} if "mean" in s else {})}
            for s in full_entry["stats"]
        ]
    assert not filecmp.cmp(run / "per_instance_stats.json", run / "per_instance_stats_slim.json")


def test_slim_copy_has_helms_bytes_for_every_kind_of_entry(tmp_path):
    from holistic.jsonio import dumps
    from holistic.report.summarizer import _write_slim_per_instance_stats

    perturbation = {"name": "typos", "robustness": True, "prob": 0.1}
    stat = {"name": {"name": "exact_match", "split": "test"}, "count": 1, "sum": 1, "mean": 1.0}
    entries = [
        {"instance_id": "id1", "train_trial_index": 0, "stats": [stat, {"name": {"name": "é"}, "count": 0}]},
        {"instance_id": "id2", "perturbation": perturbation, "train_trial_index": 1, "stats": []},
        {"instance_id": "id3", "train_trial_index": 0, "stats": [{**stat, "mean": float("nan")}]},
    ]
    for compact in (True, False):
        (tmp_path / "per_instance_stats.json").write_text(dumps(entries, compact=compact))
        _write_slim_per_instance_stats(tmp_path, warn=print)
        expected = [
            {**{k: v for k, v in e.items() if k != "stats"},
             "stats": [{"name": {"name": s["name"]["name"]}, **({"mean": s["mean"]} if "mean" in s else {})} for s in e["stats"]]}
            for e in entries
        ]  # fmt: skip
        assert (tmp_path / "per_instance_stats_slim.json").read_text() == json.dumps(expected, indent=2)


def test_worker_processes_give_the_same_files_and_warnings(tmp_path, monkeypatch):
    from holistic.cli.run import main as helm_run
    from holistic.report import read_pool
    from holistic.report.summarizer import SummarizeOptions, summarize

    runs = [f"synthetic_reasoning:mode={m},model=simple/model1" for m in ("pattern_match", "induction")]
    out = tmp_path / "out"
    assert helm_run(["-r", *runs, "simple1", "--suite", "s", "-m", "3", "-q", "-o", str(out), "--local-path", str(tmp_path / "env")]) == 0  # fmt: skip
    suite = out / "runs" / "s"
    (next(suite.glob("simple1*")) / "scenario_state.json").write_text("{broken")  # a warning in a worker
    results = {}
    for threads, min_runs in ((1, 32), (3, 2)):  # one thread; then forked workers (threshold lowered)
        monkeypatch.setattr(read_pool, "PROCESS_MIN_RUNS", min_runs)
        shutil.rmtree(suite / "report", ignore_errors=True)
        result = summarize(SummarizeOptions(suite="s", output_path=str(out), num_threads=threads))
        results[threads] = (_files(suite), result.warnings, result.num_instances)
    assert results[1][1] and any("simple1" in w for w in results[1][1])
    assert results[3] == results[1]

    # No process to spare: the runs are read by threads, to the same files.
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr("os.fork", no_fork)
    shutil.rmtree(suite / "report", ignore_errors=True)
    result = summarize(SummarizeOptions(suite="s", output_path=str(out), num_threads=3))
    assert (_files(suite), result.warnings, result.num_instances) == results[1]


def test_an_error_in_a_worker_process_reaches_the_caller(tmp_path, monkeypatch):
    import os

    from holistic.cli.run import main as helm_run
    from holistic.report import read_pool
    from holistic.report.summarizer import SummarizeOptions, Summarizer, summarize

    out = tmp_path / "out"
    runs = [f"synthetic_reasoning:mode={m},model=simple/model1" for m in ("pattern_match", "induction", "variable_substitution")]  # fmt: skip
    assert helm_run(["-r", *runs, "--suite", "s", "-m", "2", "-q", "-o", str(out), "--local-path", str(tmp_path / "env")]) == 0  # fmt: skip
    monkeypatch.setattr(read_pool, "PROCESS_MIN_RUNS", 2)
    monkeypatch.setattr(read_pool, "CHUNK_RUNS", 1)
    original = Summarizer._read_run

    def failing(self, run_dir, needed):
        if "induction" in run_dir.name:
            raise LookupError(f"cannot read {run_dir.name}")
        return original(self, run_dir, needed)

    monkeypatch.setattr(Summarizer, "_read_run", failing)
    with pytest.raises(LookupError, match="cannot read synthetic_reasoning:mode=induction"):
        summarize(SummarizeOptions(suite="s", output_path=str(out), num_threads=2))
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every worker was waited for
