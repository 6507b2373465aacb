"""GPT-2 BPE throughput: the pure-Python path (core install) against Hugging Face `tokenizers` (local extra).

python benchmarks/bench_gpt2_tokenizer.py [TEXT_FILE]    (default: ../shared/data/truthful_qa/data/TruthfulQA.csv)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from holistic.models.tokenizers.gpt2 import PythonGPT2Tokenizer, RustGPT2Tokenizer

DEFAULT = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "truthful_qa" / "data" / "TruthfulQA.csv"
)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    size = sum(len(line) for line in lines)
    for cls in (PythonGPT2Tokenizer, RustGPT2Tokenizer):
        start = time.perf_counter()
        tokenizer = cls()
        loaded = time.perf_counter()
        tokens = sum(len(ids) for ids in tokenizer.encode_batch(lines))
        cold = time.perf_counter()
        tokenizer.encode_batch(lines)  # warm: the pure-Python path caches each word's merges
        warm = time.perf_counter()
        print(
            f"{cls.__name__}: load {loaded - start:.2f} s, {size / 1e6:.2f} M chars -> {tokens} tokens: "
            f"cold {size / (cold - loaded) / 1e6:.2f} M chars/s, warm {size / (warm - cold) / 1e6:.2f} M chars/s"
        )


if __name__ == "__main__":
    main()
