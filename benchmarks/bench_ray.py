"""`helm-run --runner ray` on this machine: replica speed-up, and the driver's cost per request in a sweep.

1. speed-up: the same suite on the bundled model (mmlu subjects) with one replica, then two (one thread each;
   replicas set in prod_env/model_deployments.yaml), on a local Ray instance; the local runner for reference.
2. sweep: hundreds of simple/model1 runs (57 mmlu subjects x max_train_instances 0..3) with the local runner
   and with the Ray runner. simple/model1 answers instantly, so the wall time per request is the driver's
   (and Ray's) overhead: what sizes the driver of a HELM-scale sweep (docs/scaling.md).

Every measurement runs helm-run in a fresh process with fresh output and cache directories.
Usage: python benchmarks/bench_ray.py [--data-mirror ../shared/data] [--instances 8] [--sweep-instances 20]
       [--skip speedup|sweep]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from holistic.scenarios.mmlu_scenario import SUBJECTS as MMLU_SUBJECTS

BUNDLED = "huggingface/smollm2-135m-instruct"
SUBJECTS_SPEEDUP = ["philosophy", "anatomy", "astronomy", "virology"]


def helm_run(descriptions: list[str], instances: int, data: str, deployments: str, *extra: str) -> float:
    """Wall seconds of one helm-run in a fresh directory (fails loudly if the run fails)."""
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as directory:
        (Path(directory) / "prod_env").mkdir()
        if deployments:
            (Path(directory) / "prod_env" / "model_deployments.yaml").write_text(deployments)
        command = [
            sys.executable, "-m", "holistic.cli.run", "--run-specs", *descriptions, "--suite", "b",
            "-m", str(instances), "--data-mirror", data, "-q", *extra,
        ]  # fmt: skip
        env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
        start = time.perf_counter()
        result = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"helm-run failed:\n{result.stderr[-3000:]}")
        requests = 0
        for state_file in Path(directory, "benchmarking_output", "runs", "b").glob("*/scenario_state.json"):
            requests += len(json.loads(state_file.read_text())["request_states"])
        helm_run.requests = requests  # type: ignore[attr-defined]
        return seconds


def bundled_deployment(replicas: int) -> str:
    return (
        f"model_deployments:\n  - name: {BUNDLED}\n    replicas: {replicas}\n    num_cpus: 1\n"
        "    num_threads: 1\n"
    )


def speedup(data: str, instances: int) -> None:
    descriptions = [f"mmlu:subject={s},model={BUNDLED}" for s in SUBJECTS_SPEEDUP]
    local = helm_run(descriptions, instances, data, bundled_deployment(1))
    one = helm_run(descriptions, instances, data, bundled_deployment(1), "--runner", "ray")
    two = helm_run(descriptions, instances, data, bundled_deployment(2), "--runner", "ray")
    requests = helm_run.requests  # type: ignore[attr-defined]
    # Ray's own start (a local instance, no model): a one-request simple/model1 suite.
    start = helm_run(["mmlu:subject=philosophy,model=simple/model1"], 1, data, "", "--runner", "ray")
    print(
        f"speed-up: {len(descriptions)} mmlu runs x {instances} instances on {BUNDLED} ({requests} requests)"
    )
    print(f"  local runner        {local:7.1f} s")
    print(f"  ray, 1 replica      {one:7.1f} s")
    print(f"  ray, 2 replicas     {two:7.1f} s   speed-up over 1 replica x{one / two:.2f}")
    print(f"  (of which starting Ray and connecting: about {start:.1f} s, from a one-request suite)")


def sweep(data: str, instances: int) -> None:
    descriptions = [
        f"mmlu:subject={s},model=simple/model1,max_train_instances={k}"
        for s in MMLU_SUBJECTS
        for k in range(4)
    ]
    deployments = "model_deployments:\n  - name: simple/model1\n    replicas: 2\n    num_cpus: 1\n"
    local = helm_run(descriptions, instances, data, deployments)
    requests = helm_run.requests  # type: ignore[attr-defined]
    ray = helm_run(descriptions, instances, data, deployments, "--runner", "ray")
    start = helm_run(["mmlu:subject=philosophy,model=simple/model1"], 1, data, deployments, "--runner", "ray")
    print(f"sweep: {len(descriptions)} simple/model1 runs, {requests} requests")
    print(f"  local runner   {local:7.1f} s   {local / requests * 1e3:.2f} ms per request (all driver work)")
    print(
        f"  ray runner     {ray:7.1f} s   {ray / requests * 1e3:.2f} ms per request; "
        f"{(ray - start) / requests * 1e3:.2f} ms without Ray's start ({start:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = str(Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
    parser.add_argument("--data-mirror", default=os.environ.get("HOLISTIC_DATA_MIRROR", default_data))
    parser.add_argument("--instances", type=int, default=8)
    parser.add_argument("--sweep-instances", type=int, default=20)
    parser.add_argument("--skip", choices=("speedup", "sweep"), default=None)
    args = parser.parse_args()
    if shutil.which("ray") is None and not any((Path(p) / "ray").exists() for p in sys.path if p):
        sys.exit("needs the ray extra: pip install 'holistic[ray]'")
    load = os.getloadavg()[0]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {load:.1f}"
    )
    if args.skip != "speedup":
        speedup(args.data_mirror, args.instances)
    if args.skip != "sweep":
        sweep(args.data_mirror, args.sweep_instances)


if __name__ == "__main__":
    main()
