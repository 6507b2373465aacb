"""Times the sandbox for model-written code: the 164 HumanEval programs (canonical solutions as completions).

Each program runs in its own sandboxed subprocess (namespaces where Linux allows, resource limits, 3 s
timeout), on one and on two workers. Prints wall seconds per configuration and how many programs passed.
Usage: python benchmarks/bench_sandbox.py [--data /work/shared/data/code/HumanEval.jsonl] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

from holistic.metrics.code_metrics import HUMANEVAL_TIMEOUT, humaneval_program
from holistic.metrics.sandbox import Sandbox, SandboxLimits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", default=os.path.join(os.path.dirname(__file__), "../../shared/data/code/HumanEval.jsonl")
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with open(args.data, encoding="utf-8") as f:
        problems = [json.loads(line) for line in f if line.strip()]
    # Canonical solutions as a model would return them: BasicMetric strips predictions.
    jobs = [(humaneval_program(p, p["canonical_solution"].strip()), "") for p in problems]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}; {len(jobs)} programs"
    )
    for workers in (1, 2):
        sandbox = Sandbox(SandboxLimits(timeout=HUMANEVAL_TIMEOUT), num_threads=workers)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            results = sandbox.run_all(jobs)
            times.append(time.perf_counter() - start)
        passed = sum(r.passed for r in results)
        missing = sorted({m for r in results for m in r.missing_protections})
        print(
            f"{workers} worker(s): median {statistics.median(times):.2f} s, min {min(times):.2f} s "
            f"({1000 * min(times) / len(jobs):.0f} ms/program), {passed}/{len(jobs)} passed; "
            f"missing protections: {', '.join(missing) or 'none'}"
        )


if __name__ == "__main__":
    main()
