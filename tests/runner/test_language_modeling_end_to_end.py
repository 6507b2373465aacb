"""A language-modelling run on local text with simple/model1, end to end through helm-run."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from holistic.cli.run import main
from holistic.models import window_service
from holistic.models.registry import get_model, register_model

TEXT = "The quick brown fox jumps over the lazy dog.\nIt’s a café, naïve résumé " + "word " * 900


def _run(tmp_path: Path, *extra: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "docs" / "b.txt").write_text("Short one ünïcode", encoding="utf-8")
    code = main([
        "--run-specs", f"local_text:path={tmp_path / 'docs'},model=simple/model1", "--suite", "t",
        "--output-path", str(tmp_path / "out"), "--local-path", str(tmp_path / "env"), "-q",
        "--helm-version", "0.5", *extra,  # simple/model1 counts characters (HELM 0.5)
    ])  # fmt: skip
    assert code == 0
    (run_dir,) = (tmp_path / "out" / "runs" / "t").glob("local_text*")
    return run_dir


@pytest.fixture
def simple_model_without_prefix():
    """simple/model1 as a deployment without an LM prefix token, so its one echoed token is predicted."""
    original = get_model("simple/model1")
    register_model(replace(original, prefix_token=""))
    window_service._SERVICES.pop("simple/model1", None)
    yield
    register_model(original)
    window_service._SERVICES.pop("simple/model1", None)


@pytest.mark.slow
def test_bits_per_byte_in_stats_matches_the_scenario_state_tokens(tmp_path, simple_model_without_prefix):
    run_dir = _run(tmp_path)
    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    # Document a (about 4,600 characters) needs 3 windows of 2,048 characters; b needs 1.
    assert [s["instance"]["id"] for s in states] == ["id0", "id0", "id0", "id1"]
    assert [s["num_conditioning_tokens"] for s in states][0] == 0

    logprob, num_bytes, num_tokens = 0.0, 0, 0
    for state in states:
        tokens = state["result"]["completions"][0]["tokens"][state["num_conditioning_tokens"] :]
        logprob += sum(t["logprob"] for t in tokens)
        num_bytes += sum(len(t["text"].encode("utf-8")) for t in tokens)
        num_tokens += len(tokens)
    assert num_bytes > 0
    stats = {s["name"]["name"]: s for s in json.loads((run_dir / "stats.json").read_text())}
    assert stats["bits_per_byte"]["mean"] == pytest.approx(-logprob / num_bytes / math.log(2), abs=1e-9)
    assert stats["perplexity"]["mean"] == pytest.approx(math.exp(-logprob / num_tokens), abs=1e-9)
    assert stats["num_instances"]["mean"] == 2
    per_instance = json.loads((run_dir / "per_instance_stats.json").read_text())
    assert [p["instance_id"] for p in per_instance[:4]] == ["id0", "id0", "id0", "id1"]


@pytest.mark.slow
def test_dry_run_builds_the_windows_and_counts_tokens_without_a_model(tmp_path):
    run_dir = _run(tmp_path, "--dry-run")
    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    assert all("result" not in s for s in states)
    assert all(s["request"]["echo_prompt"] and s["request"]["max_tokens"] == 0 for s in states)
    stats = {s["name"]["name"]: s for s in json.loads((run_dir / "stats.json").read_text())}
    assert stats["num_requests"]["sum"] == len(states) == 4
    assert "bits_per_byte" not in stats
    assert not (tmp_path / "env" / "cache" / "simple.sqlite").exists()
