"""What holistic adds around an in-process model: the 10,000-instance synthetic_reasoning run three ways.

`simple/model1` (the built-in toy client), an in-process object answering the same way (cold request cache),
and the same object again (every answer from the cache). The model itself does no work, so the times are
holistic's own: batching, the sqlite cache, adaptation, metrics and the run directory.
Usage: python benchmarks/bench_inprocess.py [--instances 10000]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import holistic  # noqa: E402
from holistic import Generation, TokenLogprob  # noqa: E402


class EchoModel:
    """Answers every prompt with its last word (no computation: only holistic's overhead is timed)."""

    def score(self, texts):
        return [[TokenLogprob(w, 0.0) for w in text.split(" ")] for text in texts]

    def generate(self, prompts, options):
        return [[Generation(" " + p.rsplit(" ", 1)[-1])] * options.num_completions for p in prompts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", type=int, default=10_000)
    args = parser.parse_args()
    holistic.register_model("bench/echo", EchoModel(), tokenizer="simple/model1", batch_size=256)
    description = "synthetic_reasoning:mode=pattern_match"
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cpus, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    with tempfile.TemporaryDirectory() as root:
        for label, model, suite in (
            ("simple/model1", "simple/model1", "a"),
            ("in-process, cold cache", "bench/echo", "b"),
            ("in-process, warm cache", "bench/echo", "c"),
        ):
            start = time.perf_counter()
            result = holistic.run(
                description, suite=suite, model=model, max_eval_instances=args.instances,
                output_path=Path(root, "out"), local_path=Path(root, "prod_env"),
            )  # fmt: skip
            assert result.ok, result.failures
            print(f"{label:24s} {time.perf_counter() - start:7.2f} s  ({args.instances} instances)")


if __name__ == "__main__":
    main()
