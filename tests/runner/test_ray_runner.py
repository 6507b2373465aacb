"""`helm-run --runner ray` on a real local Ray cluster (a head and two workers on this machine).

The same suite (the bundled model and simple/model1) runs with the local runner and on the cluster; the run
directories must be the same file for file, timing fields aside. A replica is then killed (SIGKILL) while it
answers a batch: the suite still completes with the same files and no answer computed twice. (The requests
of a resent batch are computed without their answered batch-mates, which moves log-probabilities by ~1e-6:
the packed engine's float sums depend on the packing; the local runner's resume after a crash does the same.
Completions, stats and everything else are exact.)
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("transformers")

from ray.cluster_utils import Cluster  # noqa: E402

from holistic.cli.run import main as helm_run  # noqa: E402
from holistic.models import registry, window_service  # noqa: E402
from holistic.models.cache import RequestCache  # noqa: E402
from holistic.runner.ray_runner import RayRunner  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.model]

SRC = Path(__file__).resolve().parents[2] / "src"
BUNDLED = "huggingface/smollm2-135m-instruct"
SUITE = [
    f"mmlu:subject=philosophy,model={BUNDLED}",
    f"mmlu:subject=anatomy,model={BUNDLED}",
    "mmlu:subject=philosophy,model=simple/model1",
    "mmlu:subject=anatomy,model=simple/model1",
    "mmlu:subject=astronomy,model=simple/model1",
]
DEPLOYMENTS = f"""model_deployments:
  - name: {BUNDLED}
    replicas: 2
    num_cpus: 1
    num_threads: 1
  - name: simple/model1
    replicas: 1
    num_cpus: 1
"""
TIMING_FIELDS = {"request_time", "request_datetime", "batch_request_time"}
TIMING_STATS = {"inference_runtime", "inference_denoised_runtime"}  # measured, so they differ run to run
MB = 1024 * 1024


@pytest.fixture(scope="module")
def ray_cluster():
    """Three nodes of one CPU each; always shut down, even when a test fails."""
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "object_store_memory": 100 * MB, "include_dashboard": False},
    )
    try:
        for _ in range(2):
            cluster.add_node(num_cpus=1, object_store_memory=100 * MB)
        cluster.wait_for_nodes()
        yield cluster
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()


@pytest.fixture(scope="module")
def isolated_registry():
    # prod_env/model_deployments.yaml re-registers the bundled model with replica settings.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry, "MODELS", registry.MODELS)
        patch.setattr(registry, "_BY_NAME", dict(registry._BY_NAME))
        patch.setattr(window_service, "_SERVICES", dict(window_service._SERVICES))
        yield


def run_suite(directory: Path, data: Path, *extra: str) -> int:
    """helm-run in `directory` (relative paths, so the files name the same output path)."""
    (directory / "prod_env").mkdir(parents=True, exist_ok=True)
    (directory / "prod_env" / "model_deployments.yaml").write_text(DEPLOYMENTS)
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        return helm_run(
            ["--run-specs", *SUITE, "--suite", "s", "-m", "6", "--data-mirror", str(data), "-q", *extra]
        )
    finally:
        os.chdir(cwd)


def normalized(path: Path, ignore_batching: bool, resumed: bool = False) -> object:
    drop = TIMING_FIELDS | ({"batch_size"} if ignore_batching else set()) | ({"cached"} if resumed else set())

    def walk(value):
        if isinstance(value, dict):
            name = value.get("name")
            if isinstance(name, dict) and name.get("name") in TIMING_STATS | ({"batch_size"} & drop):
                return {"name": name}
            return {k: walk(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(json.loads(path.read_text()))


def close(a: object, b: object) -> bool:
    """Equal, except floats within 1e-3 (log-probabilities of requests computed in a smaller batch differ by
    ~1e-6; a calibration fit on six points, platt_coef, amplifies that to ~1e-4)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-5)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return a == b


def assert_same_runs(
    expected: Path, actual: Path, ignore_batching: bool = False, resumed: bool = False
) -> None:
    """Same files; `ignore_batching`: batch sizes and ~1e-6 in floats aside; `resumed`: `cached` aside."""
    expected_files = sorted(p.relative_to(expected) for p in expected.rglob("*.json"))
    actual_files = sorted(p.relative_to(actual) for p in actual.rglob("*.json"))
    assert actual_files == expected_files
    # run_specs.json, and per run: run_spec, scenario, scenario_state, per_instance_stats, stats, holistic_run.
    assert len(expected_files) == 1 + 6 * len(SUITE)
    for name in expected_files:
        if name.name in ("run_spec.json", "scenario.json", "run_specs.json"):
            assert (actual / name).read_bytes() == (expected / name).read_bytes(), name
        else:
            want, got = (
                normalized(expected / name, ignore_batching, resumed),
                normalized(actual / name, ignore_batching, resumed),
            )
            assert close(got, want) if ignore_batching else got == want, name


@pytest.fixture(scope="module")
def local_runs(tmp_path_factory, shared_data, isolated_registry) -> Path:
    directory = tmp_path_factory.mktemp("local")
    assert run_suite(directory, shared_data) == 0
    return directory / "benchmarking_output" / "runs" / "s"


def test_suite_on_the_cluster_writes_the_local_runners_files(
    ray_cluster, local_runs, tmp_path, shared_data, monkeypatch
):
    assert run_suite(tmp_path, shared_data, "--runner", "ray", "--ray-address", ray_cluster.address) == 0
    assert_same_runs(local_runs, tmp_path / "benchmarking_output" / "runs" / "s")
    states = json.loads(next(local_runs.glob(f"*philosophy*{BUNDLED.split('/')[1]}*")).joinpath(
        "scenario_state.json"
    ).read_text())["request_states"]  # fmt: skip
    assert len(states) == 6 and all(s["result"]["success"] for s in states)
    # A rerun on the cluster is answered from the driver's cache alone.
    again = tmp_path / "again"
    again.mkdir()
    (again / "prod_env").symlink_to(tmp_path / "prod_env", target_is_directory=True)
    monkeypatch.chdir(again)
    code = helm_run(
        ["--run-specs", *SUITE, "--suite", "s", "-m", "6", "--data-mirror", str(shared_data), "-q",
         "--runner", "ray", "--ray-address", ray_cluster.address]
    )  # fmt: skip
    assert code == 0
    # (simple/model1 always reports cached=false, as under the local runner.)
    for run in (again / "benchmarking_output" / "runs" / "s").glob("mmlu:*smollm*"):
        states = json.loads((run / "scenario_state.json").read_text())["request_states"]
        assert all(s["result"]["cached"] for s in states), run.name


def test_a_replica_killed_mid_batch_loses_nothing(
    ray_cluster, local_runs, tmp_path, shared_data, monkeypatch, caplog
):
    pools = []
    original_pool = RayRunner.pool

    def recording_pool(self, model_name):
        pool = original_pool(self, model_name)
        if pool not in pools:
            pools.append(pool)
        return pool

    monkeypatch.setattr(RayRunner, "pool", recording_pool)
    written: dict[str, int] = {}
    killed = threading.Event()
    original_put = RequestCache.put_many_by_key

    def put_and_kill(self, items):
        rows = list(items)
        original_put(self, rows)
        for key, _ in rows:
            written[key] = written.get(key, 0) + 1
        if self.path.name == "huggingface.sqlite" and not killed.is_set():
            killed.set()
            # Both replicas of the bundled model, while one of them is still answering its batch.
            (pool,) = [p for p in pools if p.model.name == BUNDLED]
            for pid in pool.pids():
                os.kill(pid, signal.SIGKILL)

    monkeypatch.setattr(RequestCache, "put_many_by_key", put_and_kill)
    caplog.set_level(logging.WARNING, logger="holistic")
    code = run_suite(tmp_path, shared_data, "--runner", "ray", "--ray-address", ray_cluster.address)
    assert code == 0
    assert killed.is_set()
    assert any("lost" in r.getMessage() for r in caplog.records), "no batch was resent"
    assert all(count == 1 for count in written.values()), "an answer was computed twice"
    assert_same_runs(local_runs, tmp_path / "benchmarking_output" / "runs" / "s", ignore_batching=True)


def test_ctrl_c_stops_the_suite_with_every_answer_cached(ray_cluster, local_runs, tmp_path, shared_data):
    (tmp_path / "prod_env").mkdir()
    (tmp_path / "prod_env" / "model_deployments.yaml").write_text(DEPLOYMENTS)
    command = [
        sys.executable, "-m", "holistic.cli.run", "--run-specs", *SUITE, "--suite", "s", "-m", "6",
        "--data-mirror", str(shared_data), "-q", "--runner", "ray", "--ray-address", ray_cluster.address,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    cache = tmp_path / "prod_env" / "cache" / "huggingface.sqlite"
    deadline = time.monotonic() + 120
    while cached_rows(cache) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("error: interrupted"), stderr
    assert "Traceback" not in stderr
    answered = cached_rows(cache)
    assert answered >= 1
    # Rerunning uses every answer that was cached when the suite stopped, and completes the suite.
    assert run_suite(tmp_path, shared_data, "--runner", "ray", "--ray-address", ray_cluster.address) == 0
    reused = 0
    for run in (tmp_path / "benchmarking_output" / "runs" / "s").glob("mmlu:*smollm*"):
        states = json.loads((run / "scenario_state.json").read_text())["request_states"]
        reused += sum(s["result"]["cached"] for s in states)
    assert reused == answered
    assert_same_runs(
        local_runs, tmp_path / "benchmarking_output" / "runs" / "s", ignore_batching=True, resumed=True
    )


def cached_rows(path: Path) -> int:
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as connection:
        try:
            return connection.execute('SELECT COUNT(*) FROM "unnamed"').fetchone()[0]
        except sqlite3.OperationalError:  # the table is not created yet
            return 0
