"""Times `helm-present --conf <conf> --list-runs`: expanding a whole conf file into RunSpecs.

Prints, per conf, the RunSpecs listed, the entries that failed (scenarios not built yet), and the wall time of
the whole command (a child process: start-up, HOCON parsing, expansion, printing); best and median of
--repeat. Usage: python benchmarks/bench_list_runs.py [--repeat 5] [--json] [--data-mirror DIR] [CONF ...]
(default: HELM v0.1.0's run_specs.conf from ../shared/reference/helm-0.1.0/confs; big_bench's RunSpecs read
their task.json, from ../shared/data by default, copied once into a scratch output path).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEFAULT_CONF = SHARED / "reference/helm-0.1.0/confs/run_specs.conf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("confs", nargs="*", default=[str(DEFAULT_CONF)])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="time --list-runs --json instead")
    parser.add_argument(
        "--data-mirror", default=str(SHARED / "data"), help="offline data (big_bench task.json)"
    )
    args = parser.parse_args()
    output = tempfile.mkdtemp(prefix="bench-list-runs-")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    for conf in args.confs:
        command = [sys.executable, "-m", "holistic.cli.present", "--conf", conf, "--list-runs"]
        command += ["--data-mirror", args.data_mirror, "--output-path", output]
        command += ["--json"] if args.json else []
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
        listed = len(result.stdout.splitlines())
        failed = sum(1 for line in result.stderr.splitlines() if line.startswith("error: "))
        print(
            f"{Path(conf).name}: {listed} RunSpecs listed, {failed} entries failed; "
            f"wall {min(times):.2f} s best, {statistics.median(times):.2f} s median of {args.repeat}"
        )


if __name__ == "__main__":
    main()
