"""Faults against a local HTTP server: 429 with Retry-After, 500s, answers slower than the timeout, malformed
JSON and truncated bodies. Every request ends as a success after retries or as a recorded failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from holistic.models.clients import create_client
from holistic.models.registry import get_model
from holistic.models.request import Request
from tests.models.clients.api_fakes import FAST_RETRIES, Reply

REPO = Path(__file__).resolve().parents[3]

COMPLETION = {
    "choices": [
        {
            "text": " ok",
            "finish_reason": "length",
            "logprobs": {"tokens": [" ok"], "token_logprobs": [-0.5], "top_logprobs": [{" ok": -0.5}]},
        }
    ]
}
GENERATION = {"generations": [{"text": " ok", "token_likelihoods": [{"token": " ok", "likelihood": -0.5}]}]}

# (model, credentials key, base path, a good answer): the OpenAI SDK path and the standard-library path.
CLIENTS = {
    "openai-sdk": ("openai/ada", "openaiApiKey", "/v1", COMPLETION),
    "stdlib-http": ("cohere/small-20220720", "cohereApiKey", "", GENERATION),
}


def client_for(kind: str, fake_api, make_context, retry=FAST_RETRIES):
    model_name, key, base, good = CLIENTS[kind]
    context = make_context(
        {key: "k-secret-value"}, {model_name: {"base_url": fake_api.url + base}}, retry=retry
    )
    model = get_model(model_name)
    client = create_client(model, context)
    waits: list[float] = []
    client.sleep = waits.append
    return client, Request(model=model_name, prompt="Say ok", max_tokens=1), good, waits


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_429_with_retry_after_then_success(kind, fake_api, make_context):
    client, request, good, waits = client_for(kind, fake_api, make_context)
    fake_api.script(Reply(429, {"error": "slow down"}, headers={"Retry-After": "0.03"}), Reply(200, good))
    result = client.make_request(request)
    assert result.success and result.completions[0].text == " ok"
    assert waits == [0.03]
    assert len(fake_api.posts()) == 2


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_persistent_500_is_a_recorded_failure_and_not_cached(kind, fake_api, make_context):
    client, request, _, waits = client_for(kind, fake_api, make_context)
    fake_api.default = Reply(500, {"error": "internal"})
    result = client.make_request(request)
    assert not result.success
    assert "HTTP 500" in result.error and "after 3 attempts" in result.error
    assert len(waits) == 2 and len(fake_api.posts()) == 3
    assert client.cache_keys(request) and client.cache.get(client.cache_keys(request)[0]) is None


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_answer_slower_than_the_timeout_is_retried(kind, fake_api, make_context):
    client, request, good, waits = client_for(
        kind, fake_api, make_context, retry=replace(FAST_RETRIES, timeout=0.3)
    )
    fake_api.script(Reply(200, good, delay=0.8), Reply(200, good))
    result = client.make_request(request)
    assert result.success and len(waits) == 1


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_timeouts_until_the_end_are_reported_as_timeouts(kind, fake_api, make_context):
    client, request, good, _ = client_for(
        kind, fake_api, make_context, retry=replace(FAST_RETRIES, timeout=0.2, max_attempts=2)
    )
    fake_api.default = Reply(200, good, delay=0.5)
    result = client.make_request(request)
    assert not result.success and "timed out" in result.error


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_malformed_json_is_retried(kind, fake_api, make_context):
    client, request, good, waits = client_for(kind, fake_api, make_context)
    fake_api.script(Reply(200, b'{"choices": [ not json'), Reply(200, good))
    result = client.make_request(request)
    assert result.success and len(waits) == 1


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_truncated_body_is_retried(kind, fake_api, make_context):
    client, request, good, waits = client_for(kind, fake_api, make_context)
    fake_api.script(Reply(200, good, truncate=True), Reply(200, good))
    result = client.make_request(request)
    assert result.success and len(waits) == 1


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_client_errors_are_not_retried(kind, fake_api, make_context):
    client, request, _, waits = client_for(kind, fake_api, make_context)
    fake_api.default = Reply(400, {"error": {"message": "bad parameter"}})
    result = client.make_request(request)
    assert not result.success and "HTTP 400" in result.error and "bad parameter" in result.error
    assert waits == [] and len(fake_api.posts()) == 1


# ------------------------------------------------------------------ whole runs through helm-run


def write_deployment(local_path: Path, url: str, **extra: str) -> None:
    local_path.mkdir(parents=True, exist_ok=True)
    lines = [
        "model_deployments:",
        "  - name: fakeorg/fake-model",
        f"    base_url: {url}/v1",
        "    tokenizer: huggingface/gpt2",
    ]
    lines += [f"    {k}: {v}" for k, v in extra.items()]
    (local_path / "model_deployments.yaml").write_text("\n".join(lines) + "\n")


def completions_for(body: dict) -> dict:
    return {
        "choices": [
            {
                "text": " 7",
                "finish_reason": "length",
                "logprobs": {"tokens": [" 7"], "token_logprobs": [-0.1], "top_logprobs": [{" 7": -0.1}]},
            }
        ]
        * body["n"]
    }


def helm_run(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "--run-specs", "simple1:model=fakeorg/fake-model", "--suite", "faults", "-m", "6", "-t", "1", "-n", "3",
        "--local-path", str(tmp_path / "prod_env"), "-o", str(tmp_path / "out"), *extra,
    ]  # fmt: skip


def test_run_with_faults_finishes_reports_failures_and_rerun_retries_only_them(
    fake_api, fast_retries, tmp_path, capsys
):
    from holistic.cli.run import main

    write_deployment(tmp_path / "prod_env", fake_api.url)
    doomed: set[str] = set()
    seen: dict[str, int] = {}

    def flaky(request):
        prompt = request.body["prompt"]
        seen[prompt] = seen.get(prompt, 0) + 1
        if len(doomed) < 2 and seen[prompt] == 1:
            doomed.add(prompt)  # the first two prompts the server sees keep failing
        if prompt in doomed:
            return Reply(503, {"error": "overloaded"})
        if seen[prompt] == 1:
            # Every other prompt is first rate-limited, then malformed, then answered.
            return Reply(429, {"error": "rate"}, headers={"Retry-After": "0"})
        if seen[prompt] == 2:
            return Reply(200, b"<html>gateway</html>")
        return Reply(200, completions_for(request.body))

    fake_api.default = flaky
    status = main(helm_run(tmp_path))
    err = capsys.readouterr().err
    assert status == 1
    assert "2 of 6 requests failed" in err
    assert "2 x fakeorg request failed: HTTP 503" in err
    run_dir = tmp_path / "out" / "runs" / "faults" / "simple1:model=fakeorg_fake-model"
    state = json.loads((run_dir / "scenario_state.json").read_text())
    results = [rs["result"] for rs in state["request_states"]]
    assert sum(r["success"] for r in results) == 4
    assert all(r["completions"][0]["text"] == " 7" for r in results if r["success"])
    assert not (run_dir / "stats.json").exists()  # incomplete runs are not marked complete

    # The server recovers; the rerun sends only the two failed prompts (3 calls each: num_outputs is 3 and a
    # server answers one completion per call).
    posts_before = len(fake_api.posts())
    fake_api.default = lambda request: Reply(200, completions_for(request.body))
    status = main(helm_run(tmp_path))
    assert status == 0
    rerun = fake_api.posts()[posts_before:]
    assert sorted({r.body["prompt"] for r in rerun}) == sorted(doomed) and len(rerun) == 2 * 3
    assert (run_dir / "stats.json").exists()
    state = json.loads((run_dir / "scenario_state.json").read_text())
    assert all(rs["result"]["success"] for rs in state["request_states"])


def test_garbage_answers_fail_every_request_without_an_exception(fake_api, fast_retries, tmp_path, capsys):
    from holistic.cli.run import main

    write_deployment(tmp_path / "prod_env", fake_api.url)
    fake_api.default = Reply(200, [1, 2, 3])  # JSON, but not an object
    status = main(helm_run(tmp_path))
    err = capsys.readouterr().err
    assert status == 1 and "6 of 6 requests failed" in err and "not a JSON object" in err


def test_missing_key_stops_the_run_before_any_request(fake_api, tmp_path, capsys):
    from holistic.cli.run import main

    write_deployment(tmp_path / "prod_env", fake_api.url, credential="fakeServerKey")
    status = main(helm_run(tmp_path))
    err = capsys.readouterr().err
    assert status == 2
    assert "missing credential fakeServerKey for fakeorg/fake-model" in err
    assert f"add `fakeServerKey: ...` to {tmp_path / 'prod_env' / 'credentials.conf'}" in err
    assert fake_api.requests == []


def test_api_key_never_reaches_outputs_cache_or_logs(fake_api, tmp_path):
    secret = "sk-live-THIS-MUST-NOT-LEAK-42"
    local = tmp_path / "prod_env"
    write_deployment(local, fake_api.url, credential="fakeServerKey")
    (local / "credentials.conf").write_text(f'fakeServerKey: "{secret}"\n')
    calls: dict[str, int] = {}
    first: list[str] = []

    def leaky(request):
        # A careless server that quotes the Authorization header back in its errors.
        prompt = request.body["prompt"]
        calls[prompt] = calls.get(prompt, 0) + 1
        first[:] = first or [prompt]
        auth = request.headers.get("authorization", "")
        assert auth == f"Bearer {secret}"
        if prompt == first[0] or calls[prompt] == 1:
            return Reply(500, {"error": f"upstream refused {auth}"})
        return Reply(200, completions_for(request.body))

    fake_api.default = leaky
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "HOLISTIC_MAX_ATTEMPTS": "2",
        "HOLISTIC_RETRY_INITIAL_DELAY": "0.001",
    }
    done = subprocess.run(
        [sys.executable, "-m", "holistic.cli.run", *helm_run(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # the first prompt kept failing: its error quotes the key
    assert "upstream refused Bearer ***" in done.stderr
    assert secret not in done.stdout and secret not in done.stderr
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()] + [
        p for p in (local / "cache").rglob("*") if p.is_file()
    ]
    assert any(p.name == "scenario_state.json" for p in written) and any(
        p.suffix == ".sqlite" for p in written
    )
    for path in written:
        assert secret.encode() not in path.read_bytes(), path
