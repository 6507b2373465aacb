"""twitter_aae on the bundled model: bits_per_byte equals an independent computation from plain transformers."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from holistic.jsonio import full_stat

pytest.importorskip("transformers")

pytestmark = [pytest.mark.slow, pytest.mark.model]

MODEL = "huggingface/smollm2-135m-instruct"
TWEETS = [
    "I ain't tryin to hear nothin today lol",
    "The café is open — come by at 5 p.m. 😀",  # the emoji after a space becomes byte tokens
    "word " * 300,
]


def _independent_logprobs(prompts: list[str]) -> list[list[float]]:
    """Log-probability of every token after the first, from one plain float32 forward pass per prompt."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from holistic.models.local.loading import ensure_converted_model, resolve_source
    from holistic.models.registry import get_model

    directory = str(ensure_converted_model(resolve_source(get_model(MODEL))))
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32).eval()
    result = []
    for prompt in prompts:
        ids = tokenizer(prompt, add_special_tokens=False).input_ids
        with torch.no_grad():
            logprobs = torch.log_softmax(model(torch.tensor([ids])).logits[0].float(), dim=-1)
        result.append([logprobs[k - 1, ids[k]].item() for k in range(1, len(ids))])
    return result


def test_bits_per_byte_matches_an_independent_computation(tmp_path: Path):
    from holistic.cli.run import main

    mirror = tmp_path / "mirror" / "twitter_aae"
    mirror.mkdir(parents=True)
    with open(mirror / "aa_tweets.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([[t] for t in TWEETS])
    argv = ["--run-specs", f"twitter_aae:demographic=aa,model={MODEL}", "--suite", "t", "-q"]
    argv += [
        "-o",
        str(tmp_path / "out"),
        "--local-path",
        str(tmp_path / "env"),
        "--data-mirror",
        str(mirror.parent),
    ]
    assert main(argv) == 0
    (run,) = (tmp_path / "out" / "runs" / "t").glob("twitter_aae*")
    states = json.loads((run / "scenario_state.json").read_text())["request_states"]
    # Each tweet fits one window: the prefix token conditions, every token of the tweet is predicted.
    assert [s["instance"]["input"] for s in states] == TWEETS
    assert [s["num_conditioning_tokens"] for s in states] == [1, 1, 1]

    expected = _independent_logprobs([s["request"]["prompt"] for s in states])
    for state, mine in zip(states, expected):
        logged = [t["logprob"] for t in state["result"]["completions"][0]["tokens"][1:]]
        assert logged == pytest.approx(mine, abs=2e-3)
    total_logprob = sum(sum(lp) for lp in expected)
    total_bytes = sum(len(t.encode("utf-8")) for t in TWEETS)

    stats = {s["name"]["name"]: s for s in json.loads((run / "stats.json").read_text())}
    # Every byte of the tweets is counted once, the space inside the emoji's byte token included.
    per_window = json.loads((run / "per_instance_stats.json").read_text())
    assert (
        sum(full_stat(s)["sum"] for p in per_window for s in p["stats"] if s["name"]["name"] == "num_bytes")
        == total_bytes
    )
    assert stats["bits_per_byte"]["mean"] == pytest.approx(
        -total_logprob / total_bytes / math.log(2), rel=1e-5
    )
    num_tokens = sum(len(lp) for lp in expected)
    assert stats["perplexity"]["mean"] == pytest.approx(math.exp(-total_logprob / num_tokens), rel=1e-4)
    assert stats["num_instances"]["mean"] == 3
