"""Large suites: runs kept on disk between reading and the tables give the same report as runs kept in memory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from holistic.report import spill, summarizer
from holistic.report.runs import Agg, RunInfo, stat_key
from holistic.report.spill import RunStore
from holistic.report.summarizer import SummarizeOptions, summarize

SUBJECTS = ("philosophy", "anatomy", "astronomy", "virology", "marketing", "nutrition")
METHODS = ("multiple_choice_joint", "multiple_choice_separate_original")


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "summary.json"  # summary.json holds today's date only
    }


@pytest.fixture(scope="module")
def many_runs(tmp_path_factory, shared_data) -> Path:
    """36 MMLU runs: 6 subjects x 2 methods x 3 max_train_instances (rows that differ by adapter settings)."""
    from tests.report.conftest import run_suite

    descriptions = [
        f"mmlu:subject={s},method={m},model=simple/model1,max_train_instances={k}"
        for s in SUBJECTS
        for m in METHODS
        for k in (0, 1, 2)
    ]
    return run_suite(
        tmp_path_factory.mktemp("many"), shared_data, suite="m", descriptions=descriptions, max_eval=3
    )


def _summarize(out: Path, monkeypatch, spill_min_runs: int, cache_runs: int, threads: int = 1):
    monkeypatch.setattr(summarizer, "SPILL_MIN_RUNS", spill_min_runs)
    monkeypatch.setattr(spill, "CACHE_RUNS", cache_runs)
    shutil.rmtree(out / "runs" / "m" / "report", ignore_errors=True)
    spilled = []
    original = RunStore.spill

    def counting(self, info):
        spilled.append(info.name)
        return original(self, info)

    monkeypatch.setattr(RunStore, "spill", counting)
    result = summarize(SummarizeOptions(suite="m", output_path=str(out), num_threads=threads))
    monkeypatch.setattr(RunStore, "spill", original)
    return result, spilled, _files(out / "runs" / "m")


def test_spilled_runs_give_the_same_files_as_runs_in_memory(many_runs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(many_runs, out, symlinks=True)
    in_memory, spilled, expected = _summarize(out, monkeypatch, spill_min_runs=10_000, cache_runs=128)
    assert not spilled and in_memory.num_runs == 36
    # On disk, with a cache of 2 runs: every table pass reads its runs back (and so must visit each once).
    on_disk, spilled, files = _summarize(out, monkeypatch, spill_min_runs=1, cache_runs=2)
    assert len(spilled) == 36
    assert files == expected
    assert on_disk.warnings == in_memory.warnings and on_disk.num_instances == in_memory.num_instances
    # And with forked worker processes reading the runs.
    monkeypatch.setattr("holistic.report.read_pool.PROCESS_MIN_RUNS", 2)
    _, spilled, files = _summarize(out, monkeypatch, spill_min_runs=1, cache_runs=2, threads=2)
    assert len(spilled) == 36 and files == expected


def test_a_many_run_suites_tables_hold_each_runs_stats(many_runs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(many_runs, out, symlinks=True)
    _summarize(out, monkeypatch, spill_min_runs=1, cache_runs=2)
    suite = out / "runs" / "m"
    tables = {t["name"]: t for t in json.loads((suite / "groups" / "mmlu.json").read_text())}
    assert {f"subject_{s}" for s in SUBJECTS} <= set(tables)
    checked = 0
    for run_dir in sorted(p for p in suite.iterdir() if (p / "stats.json").is_file()):
        spec = json.loads((run_dir / "run_spec.json").read_text())
        adapter = spec["adapter_spec"]
        stats = json.loads((run_dir / "stats.json").read_text())
        expected = next(s["mean"] for s in stats if s["name"] == {"name": "exact_match", "split": "test"})
        table = tables[f"subject_{spec['scenario_spec']['args']['subject']}"]
        # The row of this run's configuration: its label names the adapter fields that vary between rows.
        wanted = (f"max_train_instances: {adapter['max_train_instances']}", f"method: {adapter['method']}")
        (row,) = [r for r in table["rows"] if all(part in r[0]["value"] for part in wanted)]
        column = next(i for i, c in enumerate(table["header"]) if c["value"].startswith("EM"))
        assert row[column]["value"] == pytest.approx(expected)
        assert row[0]["description"] == "1 run(s)"  # one run per row of a subject's table
        checked += 1
    assert checked == 36


def test_store_reads_back_what_it_was_given(tmp_path, monkeypatch):
    monkeypatch.setattr(spill, "CACHE_RUNS", 1)
    store = RunStore(str(tmp_path))
    assert list(tmp_path.iterdir()) == []  # the file is unlinked at once: nothing to clean up
    infos = []
    for i in range(3):
        key = stat_key({"name": "exact_match", "split": "test"})
        info = RunInfo(
            name=f"run{i}",
            run_spec={
                "name": f"run{i}",
                "scenario_spec": {"class_name": "x.Y", "args": {"n": i}},
                "adapter_spec": {"method": "generation", "model": "simple/model1", "max_tokens": i},
                "groups": ["g"],
            },
            stats={key: Agg(2, 1.0 + i, 1.0, 0.0, 1.0)},
            groups=("g",),
            num_instances=2,
            expected_stats=frozenset({"exact_match"}),
        )
        infos.append((info, store.spill(info)))
    for info, stub in reversed(infos):
        assert stub.name == info.name and stub.model == "simple/model1" and stub.method == "generation"
        assert stub.scenario_key == info.scenario_key and stub.groups == ("g",)
        assert stub.run_spec == info.run_spec
        assert stub.stats == info.stats
        assert stub.indexed_stats() == info.indexed_stats()
    assert store.loads >= 6  # a cache of one run: each read went to disk
    store.close()


def test_group_pages_spooled_through_a_file_are_the_same(many_runs, tmp_path, monkeypatch):
    from holistic.report import pages

    out = tmp_path / "out"
    shutil.copytree(many_runs, out)
    _, _, in_memory = _summarize(out, monkeypatch, spill_min_runs=10_000, cache_runs=64)
    monkeypatch.setattr(pages, "SPOOL_MEMORY", 100)  # every group's tables go to a temporary file
    _, _, through_file = _summarize(out, monkeypatch, spill_min_runs=10_000, cache_runs=64)
    assert through_file == in_memory
    assert any(name.startswith("report/groups/") and len(data) > 20_000 for name, data in in_memory.items())
