"""Peak memory of a suite of two local models: each model is freed after its last run (HELM keeps both).

Runs `helm-run` in fresh processes on MMLU anatomy (-m 4) with the bundled SmolLM2-135M-Instruct deployed
twice under different precisions (float32 and bfloat16: separate weights in memory), and prints each
process's peak resident memory: float32 alone, bfloat16 alone, and both in one suite (float32 first).

Usage: python benchmarks/bench_two_local_models.py [--data-mirror ../shared/data]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
BUNDLED = "huggingface/smollm2-135m-instruct"
DEPLOYMENTS = f"""model_deployments:
  - name: huggingface/smollm2-fp32
    model_name: {BUNDLED}
    dtype: float32
  - name: huggingface/smollm2-bf16
    model_name: {BUNDLED}
    dtype: bfloat16
"""


def peak_rss_mib(models: list[str], mirror: str) -> float:
    """Peak RSS of one helm-run process (fresh cache, so every request is computed)."""
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp, "prod_env")
        local.mkdir()
        (local / "model_deployments.yaml").write_text(DEPLOYMENTS)
        runs = [f"mmlu:subject=anatomy,model={m}" for m in models]
        env = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
        code = (
            "import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        )
        command = [sys.executable, "-m", "holistic.cli.run", "-r", *runs, "--suite", "b", "-m", "4", "-q"]
        command += ["--data-mirror", mirror, "-o", str(Path(tmp, "out")), "--local-path", str(local)]
        out = subprocess.run(
            [sys.executable, "-c", code, *command], env=env, capture_output=True, text=True, check=True
        )
        return int(out.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    args = parser.parse_args()
    for label, models in [
        ("float32 alone", ["huggingface/smollm2-fp32"]),
        ("bfloat16 alone", ["huggingface/smollm2-bf16"]),
        ("float32 then bfloat16, one suite", ["huggingface/smollm2-fp32", "huggingface/smollm2-bf16"]),
    ]:
        print(f"{label:36s} peak RSS {peak_rss_mib(models, args.data_mirror):7.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
