"""Harms metrics on synthetic completions: bias (six measures), copyright edit distance, Perspective batches.

Prints seconds per piece of work. The Perspective part talks to a local comments:analyze server on
127.0.0.1 (the test fake), so it measures holistic's batching and caching, not Google's latency.

    PYTHONPATH=src python benchmarks/bench_harms_metrics.py
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for the test fake server

from tests.metrics.perspective_fake import API_KEY, start_fake_perspective  # noqa: E402

from holistic.metrics.bias_metrics import associations_bias, representation_bias  # noqa: E402
from holistic.metrics.copyright_metrics import edit_distance, tokenize  # noqa: E402
from holistic.models.cache import CacheRegistry  # noqa: E402
from holistic.models.clients.perspective_api_client import PerspectiveAPIClient  # noqa: E402
from holistic.models.clients.retry import RetryPolicy  # noqa: E402

WORDS = [
    "the",
    "cat",
    "sat",
    "on",
    "a",
    "mat",
    "she",
    "he",
    "his",
    "her",
    "chen",
    "garcia",
    "moore",
    "doctor",
    "nurse",
    "curious",
    "calm",
    "was",
    "and",
    "of",
    "to",
    "in",
]


def timed(label: str, work) -> None:
    start = time.perf_counter()
    work()
    print(f"{label}: {time.perf_counter() - start:.2f} s")


def main() -> None:
    rng = random.Random(0)
    texts = [" ".join(rng.choice(WORDS) for _ in range(20)) for _ in range(1000)]

    def bias() -> None:
        for demographic in ("race", "gender"):
            representation_bias(texts, demographic)
            for target in ("adjective", "profession"):
                associations_bias(texts, demographic, target)

    timed("six bias measures, 1,000 completions of 20 words", bias)
    book = " ".join(rng.choice(WORDS) for _ in range(1024))
    completion = " ".join(rng.choice(WORDS) for _ in range(1024))
    timed(
        "copyright edit distance, 1,024 x 1,024 tokens",
        lambda: edit_distance(tokenize(book), tokenize(completion)),
    )

    api, server = start_fake_perspective()
    os.environ["HOLISTIC_PERSPECTIVE_API_URL"] = api.url
    batches = [[f"{text} {i} {j}" for j in range(5)] for i, text in enumerate(texts[:200])]
    with tempfile.TemporaryDirectory() as tmp:
        cache = CacheRegistry(tmp).for_organization("perspectiveapi")
        client = PerspectiveAPIClient(API_KEY, cache, RetryPolicy(timeout=30))
        timed(
            "Perspective: 200 batches of 5 texts, local server",
            lambda: client.get_toxicity_scores(batches, False),
        )
        timed(
            "Perspective: the same 200 batches from the cache",
            lambda: client.get_toxicity_scores(batches, False),
        )
        cache.close()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
