"""Several helm-run processes in one directory at once (users run suites in parallel)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

SUBJECTS = ["anatomy", "astronomy", "philosophy", "virology"]


@pytest.mark.slow
def test_four_runs_started_together_share_data_and_cache(tmp_path, shared_data):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "OMP_NUM_THREADS": "1"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "holistic.cli.run", "-r", f"mmlu:subject={subject},model=simple/model1"]
            + ["--suite", f"s{i}", "--data-mirror", str(shared_data), "-q"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for i, subject in enumerate(SUBJECTS)
    ]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in processes]
    for p in processes:
        p.stdout.close()
        p.stderr.close()
    for code, stderr in results:
        assert code == 0 and "Traceback" not in stderr, stderr
    # The data set was copied once, to its final name, with no temporary copy left behind.
    scenarios = tmp_path / "benchmarking_output/scenarios/mmlu"
    assert sorted(p.name for p in scenarios.iterdir() if not p.name.endswith(".lock")) == ["data"]
    # Every request of every run is in the one shared cache.
    num_requests = 0
    for i in range(len(SUBJECTS)):
        (run,) = (tmp_path / f"benchmarking_output/runs/s{i}").glob("mmlu*")
        num_requests += len(json.loads((run / "scenario_state.json").read_text())["request_states"])
    with sqlite3.connect(tmp_path / "prod_env/cache/simple.sqlite") as db:
        (rows,) = db.execute("SELECT COUNT(*) FROM unnamed").fetchone()
    assert num_requests > 400 and rows == num_requests
