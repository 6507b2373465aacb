"""Times building civil_comments instances from a synthetic WILDS-sized CSV (448,000 rows, 16 columns).

civil_comments is the largest CSV scenario; holistic reads it without pandas (`holistic.scenarios.tabular`).
Prints seconds and peak RSS of `get_instances()` for `demographic=all` and one demographic, each in a fresh
child process. Usage: python benchmarks/bench_table_scenarios.py [--rows 448000]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import subprocess
import sys
import tempfile
from pathlib import Path

COLUMNS = ["", "id", "comment_text", "split", "toxicity", "severe_toxicity", "obscene", "male", "female", "LGBTQ",
           "christian", "muslim", "other_religions", "black", "white", "identity_any"]  # fmt: skip

CHILD = """
import resource, sys, time
from holistic.scenarios.civil_comments_scenario import CivilCommentsScenario
scenario = CivilCommentsScenario(sys.argv[1])
scenario.output_path = sys.argv[2]
start = time.perf_counter()
instances = scenario.get_instances()
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{len(instances)} {seconds:.2f} {peak:.0f}")
"""


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(0)
    words = [
        "the",
        "a",
        "comment",
        "about",
        "people",
        "and",
        "things",
        "that",
        "is",
        "not",
        "very",
        "nice",
        "or",
        "is",
        "quite",
        "fine",
        "indeed",
    ]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for i in range(rows):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 60)))
            split = rng.choices(["train", "val", "test"], [0.6, 0.1, 0.3])[0]
            scores = [f"{rng.random() * 0.7:.6f}" for _ in range(11)]
            writer.writerow([i, 100000 + i, text, split, *scores, "1" if i % 3 == 0 else "0"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=448_000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        scenario_dir = Path(tmp, "scenarios", "civil_comments")
        scenario_dir.mkdir(parents=True)
        write_csv(scenario_dir / "wilds_civil_comments.csv", args.rows)
        size = (scenario_dir / "wilds_civil_comments.csv").stat().st_size / 2**20
        print(f"synthetic CSV: {args.rows} rows, {size:.0f} MiB", flush=True)
        for demographic in ("all", "female"):
            child = subprocess.run(
                [sys.executable, "-c", CHILD, demographic, str(scenario_dir)], capture_output=True, text=True
            )
            if child.returncode:
                sys.exit(child.stderr)
            out = child.stdout.split()
            print(
                f"civil_comments:demographic={demographic}: {out[0]} instances, {out[1]} s, peak RSS {out[2]} MB"
            )


if __name__ == "__main__":
    main()
