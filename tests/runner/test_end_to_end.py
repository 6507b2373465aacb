"""helm-run end to end: HELM's reference output, reruns from the cache, and resuming after kill -9."""

import os
import signal
from pathlib import Path

import pytest

from tests.helpers import load, run_cli, run_cli_killed_after

RUN = "mmlu:subject=philosophy,method=multiple_choice_joint,model=simple_model1"
FILES = ("run_spec.json", "scenario.json", "scenario_state.json", "per_instance_stats.json", "stats.json")


def compare_with_reference(run_dir: Path, reference: dict) -> None:
    states = load(run_dir / "scenario_state.json")["request_states"]
    assert len(states) == len(reference["request_states"])
    for mine, theirs in zip(states, reference["request_states"]):
        assert mine["instance"]["id"] == theirs["instance_id"]
        assert mine["instance"]["split"] == theirs["split"]
        assert mine["request"]["prompt"] == theirs["prompt"]
        assert mine.get("output_mapping") == theirs.get("output_mapping")
        assert mine.get("reference_index") == theirs.get("reference_index")
        assert [c["text"] for c in mine["result"]["completions"]] == theirs["completions"]
        assert mine["num_train_instances"] == theirs["num_train_instances"]
        assert mine["prompt_truncated"] == theirs["prompt_truncated"]
    stats = {
        (s["name"]["name"], s["name"].get("split")): s.get("mean")
        for s in load(run_dir / "stats.json")
        if "perturbation" not in s["name"]
    }
    for key, value in reference["stats"].items():
        name, split, perturbation = key.split("|")
        if name == "exact_match" and not perturbation:
            assert stats[(name, split)] == value, key


def test_mmlu_matches_helms_reference(tmp_path, shared_data, shared_reference):
    result = run_cli(
        ["--run-specs", "mmlu:subject=philosophy,model=simple/model1", "--local", "--suite", "v1",
         "--max-eval-instances", "10", "--data-mirror", str(shared_data), "--helm-version", "0.5"],
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    run_dir = tmp_path / "benchmarking_output" / "runs" / "v1" / RUN
    assert all((run_dir / f).exists() for f in FILES)
    compare_with_reference(run_dir, load(shared_reference / "mmlu-philosophy.json"))
    assert os.readlink(tmp_path / "benchmarking_output" / "runs" / "latest") == "v1"
    assert [r["name"] for r in load(tmp_path / "benchmarking_output" / "runs" / "v1" / "run_specs.json")] == [
        RUN
    ]


def _snapshot(run_dir: Path) -> dict[str, bytes]:
    return {f: (run_dir / f).read_bytes() for f in FILES}


def _cache_rows(local_path: Path) -> int:
    import sqlite3

    return (
        sqlite3.connect(local_path / "cache" / "simple.sqlite")
        .execute('SELECT COUNT(*) FROM "unnamed"')
        .fetchone()[0]
    )


def test_second_run_uses_the_cache_and_writes_identical_files(tmp_path, shared_data):
    args = [
        "--run-specs",
        "mmlu:subject=philosophy,model=simple/model1",
        "--suite",
        "v1",
        "-m",
        "10",
        "--data-mirror",
        str(shared_data),
    ]
    assert run_cli(args, tmp_path).returncode == 0
    run_dir = tmp_path / "benchmarking_output" / "runs" / "v1" / RUN
    first = _snapshot(run_dir)
    rows = _cache_rows(tmp_path / "prod_env")
    mtime = (tmp_path / "prod_env" / "cache" / "simple.sqlite").stat().st_mtime_ns
    assert run_cli(args, tmp_path).returncode == 0
    assert _snapshot(run_dir) == first
    assert _cache_rows(tmp_path / "prod_env") == rows == 10
    # No model call: nothing was written to the cache the second time.
    assert (tmp_path / "prod_env" / "cache" / "simple.sqlite").stat().st_mtime_ns == mtime


@pytest.mark.slow
def test_run_killed_halfway_resumes_to_the_same_files(tmp_path):
    description = "synthetic_reasoning:mode=variable_substitution,model=simple/model1"
    args = ["--run-specs", description, "--suite", "s", "-m", "3000"]
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    clean.mkdir()
    crashed.mkdir()
    assert run_cli(args, clean).returncode == 0

    killed = run_cli_killed_after(1500, args, crashed)
    assert killed.returncode == -signal.SIGKILL
    run_dir = Path(
        "benchmarking_output/runs/s/synthetic_reasoning:mode=variable_substitution,model=simple_model1"
    )
    assert not (crashed / run_dir / "stats.json").exists()
    answered = _cache_rows(crashed / "prod_env")
    assert 1500 <= answered < 3000

    assert run_cli(args, crashed).returncode == 0
    assert _snapshot(crashed / run_dir) == _snapshot(clean / run_dir)
    assert _cache_rows(crashed / "prod_env") == _cache_rows(clean / "prod_env")


def test_dry_run_writes_requests_and_token_stats_only(tmp_path):
    result = run_cli(["--run-specs", "simple1", "--suite", "d", "-m", "4", "--dry-run"], tmp_path)
    assert result.returncode == 0, result.stderr
    run_dir = tmp_path / "benchmarking_output" / "runs" / "d" / "simple1"
    states = load(run_dir / "scenario_state.json")["request_states"]
    assert len(states) == 12 and all("result" not in s for s in states)
    names = {s["name"]["name"] for s in load(run_dir / "stats.json")}
    assert names == {"estimated_num_tokens_cost", "num_completions", "max_num_output_tokens", "num_requests"}
    assert not (tmp_path / "prod_env" / "cache" / "simple.sqlite").exists()
