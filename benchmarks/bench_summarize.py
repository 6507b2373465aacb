"""helm-summarize: wall time and peak RSS on 10,000-instance suites and a 50-run suite; `--help` start-up.

Usage: python benchmarks/bench_summarize.py [--workdir DIR] [--data-mirror DIR] [--repeat N] [--suites sr10k mmlu57 ...]
Builds the suites once with helm-run (simple/model1, offline) under --workdir, then runs helm-summarize in a
fresh process for each measurement (cold: no report yet; warm: summarizing again over an existing report).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"


def python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def wall_time(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=cwd, env=python_env(), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure_rss(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process (GNU time's %M)."""
    timer = "/usr/bin/time"
    start = time.perf_counter()
    result = subprocess.run(
        [timer, "-f", "%M", sys.executable, *args],
        cwd=cwd,
        env=python_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    return wall, int(result.stderr.strip().splitlines()[-1]) / 1024


def mmlu_subjects(mirror: Path) -> list[str]:
    return sorted(
        p.name.removesuffix("_test.csv") for p in (mirror / "mmlu" / "data" / "test").glob("*_test.csv")
    )


def build_suite(
    workdir: Path, suite: str, descriptions: list[str], max_eval: int, mirror: Path, helm_version: str
) -> Path:
    out = workdir / "benchmarking_output"
    if (out / "runs" / suite).is_dir():
        return out
    print(f"building suite {suite} ({len(descriptions)} run specs, -m {max_eval}) ...", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "holistic.cli.run", "--run-specs", *descriptions, "--suite", suite,
         "--max-eval-instances", str(max_eval), "--data-mirror", str(mirror), "-q", "--helm-version", helm_version],
        cwd=workdir, env=python_env(), check=True,
    )  # fmt: skip
    return out


def count_instances(suite_dir: Path) -> int:
    import json

    total = 0
    for run in suite_dir.iterdir():
        if (run / "instances.json").exists():
            total += len(json.loads((run / "instances.json").read_text()))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", default="/tmp/holistic-bench-summarize-v2")
    parser.add_argument("--data-mirror", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--helm-version", default="0.5", help="profile the suites are built with (0.5: as HELM's)"
    )
    parser.add_argument(
        "--num-threads",
        type=int,
        default=8,
        help="helm-summarize --num-threads (default: 8, helm-summarize's own, as users run it; 1: one process)",
    )
    parser.add_argument(
        "--suites",
        nargs="+",
        default=["sr10k", "mmlu10k", "runs50", "mmlu57"],
        help="which suites to time (default: all)",
    )
    args = parser.parse_args()
    workdir, mirror = Path(args.workdir), Path(args.data_mirror)
    workdir.mkdir(parents=True, exist_ok=True)
    # Imports timed as an installed package has them: compiled (PYTHONDONTWRITEBYTECODE may be set here).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(SRC)], check=True, stdout=subprocess.DEVNULL
    )

    help_times = [
        wall_time(["-m", "holistic.cli.summarize", "--help"], workdir) for _ in range(max(args.repeat, 5))
    ]
    print(
        f"helm-summarize --help: best {min(help_times):.3f} s, median {sorted(help_times)[len(help_times) // 2]:.3f} s"
    )

    subjects = mmlu_subjects(mirror)
    suites = {
        # The target: one synthetic_reasoning run of 10,000 instances (HELM: 11 s, 808 MB).
        "sr10k": (["synthetic_reasoning:mode=pattern_match,model=simple/model1"], 10000),
        # 57 MMLU subjects (5-shot prompts of ~1,300 characters): at -m 220, 10,000+ instances.
        "mmlu10k": ([f"mmlu:subject={s},model=simple/model1" for s in subjects], 220),
        # 50 runs: 50 MMLU subjects at -m 20.
        "runs50": ([f"mmlu:subject={s},model=simple/model1" for s in subjects[:50]], 20),
        # Issue 16's suite of 57 runs: every MMLU subject at -m 20 (HELM 0.5.16: 9.9 s).
        "mmlu57": ([f"mmlu:subject={s},model=simple/model1" for s in subjects], 20),
    }
    suites = {name: suites[name] for name in args.suites}
    print(
        f"{'suite':<10} {'runs':>5} {'instances':>10} {'case':<6} {'wall s (best)':>14} {'wall s (median)':>16} {'peak RSS MB':>12} {'load':>5}"
    )
    for suite, (descriptions, max_eval) in suites.items():
        out = build_suite(workdir, suite, descriptions, max_eval, mirror, args.helm_version)
        suite_dir = out / "runs" / suite
        command = [
            "-m",
            "holistic.cli.summarize",
            "--suite",
            suite,
            "-q",
            "--num-threads",
            str(args.num_threads),
        ]
        results = {}
        for case in ("cold", "warm"):
            walls, peaks = [], []
            for _ in range(args.repeat):
                if case == "cold":
                    shutil.rmtree(suite_dir / "report", ignore_errors=True)
                wall, peak = measure_rss(command, workdir)
                walls.append(wall)
                peaks.append(peak)
            results[case] = (min(walls), sorted(walls)[len(walls) // 2], max(peaks), os.getloadavg()[0])
        runs = sum(1 for p in suite_dir.iterdir() if (p / "run_spec.json").exists())
        instances = count_instances(suite_dir)
        for case, (best, median, peak, load) in results.items():
            print(
                f"{suite:<10} {runs:>5} {instances:>10} {case:<6} {best:>14.3f} {median:>16.3f} {peak:>12.0f}"
                f" {load:>5.2f}"
            )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
