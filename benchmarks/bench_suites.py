"""Suites of many runs: one `helm-run` call per suite, then `helm-summarize`; wall time and peak RSS of each.

The suites are MMLU RunSpecs with `simple/model1` and 20 instances: the 57 subjects x the 3 multiple-choice
methods x max_train_instances 0, 1, 2, ... (0..5 gives the issue's 1,026 runs; larger suites take more values,
which MMLU's five dev examples cap, so each run does the work of one with 5). The first N of that list, in
subject order, make an N-run suite.

`--mmlu-57` times instead the issue's row "57 MMLU runs": one run per subject (the joint method, five
in-context examples), 20 instances each, in one `helm-run -r ...` call; wall time (interpreter start and
imports included), CPU time and peak RSS of each repetition, the median and the best, with the load average.

Usage: python benchmarks/bench_suites.py [--runs 57 342 1026] [--data-mirror DIR] [--workdir DIR]
       [--helm-version 0.5] [--num-threads 1] [--repeat 1]
       python benchmarks/bench_suites.py --mmlu-57 [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
METHODS = (
    "multiple_choice_joint",
    "multiple_choice_separate_original",
    "multiple_choice_separate_calibrated",
)


def python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def measure(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process (GNU time's %M)."""
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, *args],
        cwd=cwd,
        env=python_env(),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args[:4])} ...\n{result.stderr[-2000:]}")
    return wall, int(result.stderr.strip().splitlines()[-1]) / 1024


def mmlu_57(mirror: Path, workdir: Path, helm_version: str, repeat: int) -> None:
    """The issue's row: one call of helm-run over the 57 subjects (joint), 20 instances each."""
    subjects = sorted(
        p.name.removesuffix("_test.csv") for p in (mirror / "mmlu/data/test").glob("*_test.csv")
    )
    entries = [f"mmlu:subject={s},model=simple/model1" for s in subjects]
    walls, cpus, peaks = [], [], []
    for _ in range(repeat):
        out, env = workdir / "out-mmlu57", workdir / "env-mmlu57"
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(env, ignore_errors=True)  # cold request cache, as HELM's figure
        before = os.times()
        wall, peak = measure(
            ["-m", "holistic.cli.run", "-r", *entries, "--suite", "s", "-m", "20", "--data-mirror", str(mirror),
             "--helm-version", helm_version, "-q", "-o", str(out), "--local-path", str(env)],
            workdir,
        )  # fmt: skip
        after = os.times()
        walls.append(wall)
        cpus.append(
            after.children_user + after.children_system - before.children_user - before.children_system
        )
        peaks.append(peak)
        print(
            f"  {len(entries)} runs: wall {wall:.3f} s, CPU {cpus[-1]:.3f} s, peak RSS {peak:.0f} MiB, "
            f"load {os.getloadavg()[0]:.2f}"
        )
    print(
        f"57 MMLU runs (one per subject, joint, 20 instances), one helm-run call: wall median "
        f"{statistics.median(walls):.3f} s (min {min(walls):.3f}), CPU median {statistics.median(cpus):.3f} s, "
        f"peak RSS {max(peaks):.0f} MiB, load {os.getloadavg()[0]:.2f}; HELM 0.5.16: 29.6 s"
    )


def descriptions(mirror: Path, count: int) -> list[str]:
    subjects = sorted(
        p.name.removesuffix("_test.csv") for p in (mirror / "mmlu/data/test").glob("*_test.csv")
    )
    per_value = len(subjects) * len(METHODS)
    values = range(-(-count // per_value))  # enough max_train_instances values for `count` runs
    every = [
        f"mmlu:subject={s},method={m},model=simple/model1,max_train_instances={k}"
        for s in subjects
        for m in METHODS
        for k in values
    ]
    return every[:count]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, nargs="+", default=[57, 342, 1026])
    parser.add_argument("--data-mirror", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--workdir", default=None, help="default: a temporary directory, removed at the end")
    parser.add_argument("--helm-version", default="0.5", help="the profile to run (0.5: as crfm-helm 0.5.16)")
    parser.add_argument("--num-threads", type=int, default=1, help="helm-summarize --num-threads")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--mmlu-57", action="store_true", help="time the 57 MMLU subjects (joint) in one call instead"
    )
    args = parser.parse_args()
    # Imports timed as an installed package has them: compiled (PYTHONDONTWRITEBYTECODE may be set here).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True, stdout=subprocess.DEVNULL
    )
    mirror = Path(args.data_mirror)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="holistic-bench-suites-"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}; --helm-version {args.helm_version}"
    )
    if args.mmlu_57:
        try:
            mmlu_57(mirror, workdir, args.helm_version, args.repeat)
        finally:
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
        return
    print(
        f"{'runs':>6} {'helm-run s':>11} {'ms/run':>7} {'RSS MiB':>8} {'summarize s':>12} {'RSS MiB':>8} {'load':>5}"
    )
    try:
        for count in args.runs:
            specs = descriptions(mirror, count)
            conf = workdir / f"suite{count}.conf"
            conf.write_text(
                "entries: [\n" + "".join(f'  {{description: "{d}", priority: 1}}\n' for d in specs) + "]\n"
            )
            runs, summaries = [], []
            for _ in range(args.repeat):
                out = workdir / f"out{count}"
                shutil.rmtree(out, ignore_errors=True)
                runs.append(
                    measure(
                        ["-m", "holistic.cli.run", "--conf-paths", str(conf), "--suite", "s", "-m", "20",
                         "--data-mirror", str(mirror), "--helm-version", args.helm_version, "-q",
                         "-o", str(out), "--local-path", str(workdir / f"env{count}")],
                        workdir,
                    )
                )  # fmt: skip
                summaries.append(
                    measure(
                        ["-m", "holistic.cli.summarize", "--suite", "s", "-o", str(out), "-q",
                         "--num-threads", str(args.num_threads)],
                        workdir,
                    )
                )  # fmt: skip
                shutil.rmtree(workdir / f"env{count}", ignore_errors=True)  # cold cache next time
            run_wall = statistics.median(w for w, _ in runs)
            summarize_wall = statistics.median(w for w, _ in summaries)
            print(
                f"{count:>6} {run_wall:>11.2f} {1000 * run_wall / count:>7.1f} {max(m for _, m in runs):>8.0f} "
                f"{summarize_wall:>12.2f} {max(m for _, m in summaries):>8.0f} {os.getloadavg()[0]:>5.2f}"
            )
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
