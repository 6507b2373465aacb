"""Times helm-run end to end: the 10,000-instance synthetic_reasoning run and `helm-run --help`.

Prints wall time and peak RSS of each (child processes, fresh output and cache directories each repetition),
and the bytes of the run directory as written by default (compact) and with --indent-json (HELM's bytes).
`--helm-version 0.5` (the default here) runs crfm-helm 0.5.16's behaviour, the version HELM's figures in
docs/performance.md come from; `--helm-version 0.1` counts simple/model1's tokens with GPT-2, as HELM v0.1.0.
`--mmlu-bytes` prints instead the bytes of per_instance_stats.json and scenario_state.json of a 20-instance
MMLU run (`mmlu:subject=anatomy`), compact and with --indent-json, against HELM 0.5.16's.
Usage: python benchmarks/bench_helm_run.py [--repeat 3] [--instances 10000] [--helm-version 0.5]
       python benchmarks/bench_helm_run.py --mmlu-bytes [--data-mirror DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The checkout's own sources, whatever holistic the interpreter has installed.
os.environ["PYTHONPATH"] = str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def run(command: list[str], cwd: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(before, after) / 1024


HELM_MMLU_BYTES = {"per_instance_stats.json": 151_000}
"""crfm-helm 0.5.16's file for the same run (issue 16); its scenario_state.json is our --indent-json's."""


def mmlu_bytes(helm_run: list[str], mirror: str) -> None:
    sizes = {}
    for flags in ([], ["--indent-json"]):
        work = tempfile.mkdtemp(prefix="holistic-bench-")
        try:
            subprocess.run(
                [*helm_run, "-r", "mmlu:subject=anatomy,model=simple/model1", "--suite", "b", "-m", "20",
                 "--data-mirror", mirror, "--helm-version", "0.5", "-q", *flags],
                cwd=work, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            (run_dir,) = Path(work, "benchmarking_output", "runs", "b").glob("mmlu*")
            sizes[bool(flags)] = {p.name: p.stat().st_size for p in run_dir.iterdir()}
        finally:
            shutil.rmtree(work, ignore_errors=True)
    for name in ("per_instance_stats.json", "scenario_state.json"):
        compact, indented = sizes[False][name], sizes[True][name]
        helm = HELM_MMLU_BYTES.get(name, indented)
        print(
            f"mmlu:subject=anatomy, 20 instances, {name}: {compact / 1e3:.1f} KB "
            f"(--indent-json {indented / 1e3:.1f} KB, HELM 0.5.16 {helm / 1e3:.0f} KB): {compact / helm:.2f} of HELM's"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--instances", type=int, default=10000)
    parser.add_argument("--helm-version", default="0.5")
    parser.add_argument("--mmlu-bytes", action="store_true", help="only the bytes of a 20-instance MMLU run")
    parser.add_argument("--data-mirror", default=str(REPO.parent / "shared" / "data"))
    args = parser.parse_args()
    # Imports timed as an installed package has them: compiled (PYTHONDONTWRITEBYTECODE may be set here).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True, stdout=subprocess.DEVNULL
    )
    helm_run = [sys.executable, "-m", "holistic.cli.run"]
    if args.mmlu_bytes:
        mmlu_bytes(helm_run, args.data_mirror)
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}"
    )

    helps = []
    for _ in range(max(args.repeat, 5)):
        start = time.perf_counter()
        subprocess.run([*helm_run, "--help"], check=True, stdout=subprocess.DEVNULL)
        helps.append(time.perf_counter() - start)
    print(f"helm-run --help: median {statistics.median(helps):.3f} s (min {min(helps):.3f})")

    description = "synthetic_reasoning:mode=pattern_match,model=simple/model1"
    walls, peaks = [], []
    sizes: dict[str, dict[str, int]] = {}
    for repetition in range(args.repeat + 1):
        # The last repetition writes HELM's indented bytes (--indent-json), for the sizes only.
        indent = repetition == args.repeat
        flags = ["--helm-version", args.helm_version] + (["--indent-json"] if indent else [])
        # A fresh process per repetition so that ru_maxrss is this run's peak.
        work = tempfile.mkdtemp(prefix="holistic-bench-")
        try:
            code = (
                "import resource, subprocess, sys, time; start = time.perf_counter(); "
                f"subprocess.run({[*helm_run, '--run-specs', description, '--suite', 'bench', '--max-eval-instances', str(args.instances), '-q', *flags]!r}, check=True); "
                "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
            )
            out = subprocess.run(
                [sys.executable, "-c", code], cwd=work, check=True, capture_output=True, text=True
            ).stdout.split()
            (run_dir,) = Path(work, "benchmarking_output", "runs", "bench").glob("synthetic_reasoning*")
            sizes["indented" if indent else "compact"] = {p.name: p.stat().st_size for p in run_dir.iterdir()}
            if not indent:
                walls.append(float(out[0]))
                peaks.append(float(out[1]))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"{description} at {args.instances} instances, --helm-version {args.helm_version}: "
        f"wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}, of {len(walls)}), "
        f"peak RSS {max(peaks):.0f} MiB, load {os.getloadavg()[0]:.2f}"
    )
    for name in ("per_instance_stats.json", "scenario_state.json", "scenario.json"):
        print(
            f"  {name}: {sizes['compact'][name] / 1e6:.1f} MB (--indent-json: {sizes['indented'][name] / 1e6:.1f} MB)"
        )
    compact, indented = sum(sizes["compact"].values()), sum(sizes["indented"].values())
    print(f"  run directory: {compact / 1e6:.1f} MB (--indent-json: {indented / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
