"""Times helm-run end to end: the 10,000-instance synthetic_reasoning run and `helm-run --help`.

Prints wall time and peak RSS of each (child processes, fresh output and cache directories each repetition).
Usage: python benchmarks/bench_helm_run.py [--repeat 3] [--instances 10000]
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


def run(command: list[str], cwd: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(before, after) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--instances", type=int, default=10000)
    args = parser.parse_args()
    helm_run = [sys.executable, "-m", "holistic.cli.run"]
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
    for _ in range(args.repeat):
        # A fresh process per repetition so that ru_maxrss is this run's peak.
        work = tempfile.mkdtemp(prefix="holistic-bench-")
        try:
            code = (
                "import resource, subprocess, sys, time; start = time.perf_counter(); "
                f"subprocess.run({[*helm_run, '--run-specs', description, '--suite', 'bench', '--max-eval-instances', str(args.instances), '-q']!r}, check=True); "
                "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
            )
            out = subprocess.run(
                [sys.executable, "-c", code], cwd=work, check=True, capture_output=True, text=True
            ).stdout.split()
            walls.append(float(out[0]))
            peaks.append(float(out[1]))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"{description} at {args.instances} instances: wall median {statistics.median(walls):.2f} s "
        f"(min {min(walls):.2f}), peak RSS {max(peaks):.0f} MB"
    )


if __name__ == "__main__":
    main()
