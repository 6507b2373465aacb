"""The OpenAI client against a real OpenAI-compatible server: llama.cpp (xllamacpp) serving SmolLM2-135M."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from holistic.models.deployments import deployment_from_dict
from holistic.models.registry import register_model
from holistic.models.request import Request

pytestmark = pytest.mark.slow


def deploy(name: str, url: str, **extra) -> None:
    register_model(
        deployment_from_dict(
            {"name": name, "base_url": f"{url}/v1", "max_sequence_length": 4096, **extra}, "test"
        )
    )


def write_deployments(local: Path, url: str) -> None:
    local.mkdir(parents=True, exist_ok=True)
    (local / "model_deployments.yaml").write_text(
        "model_deployments:\n"
        f"  - name: local/smollm2\n    base_url: {url}/v1\n    max_sequence_length: 4096\n"
        f"  - name: local/smollm2-chat\n    base_url: {url}/v1\n    api: chat\n    max_sequence_length: 4096\n"
    )


def run_directory(tmp_path: Path, name: str) -> Path:
    return tmp_path / "out" / "runs" / "llama" / name


def helm_run(tmp_path: Path, description: str, *extra: str) -> int:
    from holistic.cli.run import main

    return main([
        "--run-specs", description, "--suite", "llama", "-m", "2", "-t", "1", "-n", "2",
        "--local-path", str(tmp_path / "prod_env"), "-o", str(tmp_path / "out"), *extra,
    ])  # fmt: skip


def test_completion_greedy_with_logprobs_and_cache(llama_server, make_context):
    from holistic.models.clients import create_client
    from holistic.models.registry import get_model

    deploy("local/smollm2-direct", llama_server)
    context = make_context()
    client = create_client(get_model("local/smollm2-direct"), context)
    request = Request(
        model="local/smollm2-direct",
        prompt="The capital of France is",
        temperature=0.0,
        max_tokens=4,
        top_k_per_token=2,
        num_completions=2,
    )
    result = client.make_request(request)
    assert result.success, result.error
    first, second = result.completions
    assert first.text == second.text and first.text.strip()  # greedy: both calls agree
    assert 1 <= len(first.tokens) <= 4
    assert all(t.logprob <= 0 for t in first.tokens) and first.logprob == pytest.approx(
        sum(t.logprob for t in first.tokens)
    )
    assert first.tokens[0].text in first.tokens[0].top_logprobs or len(first.tokens[0].top_logprobs) == 2
    assert first.finish_reason["reason"] in ("length", "stop")
    assert client.make_request(request).cached


def test_server_tokenizer_round_trips_and_fits_the_window(llama_server, make_context):
    from holistic.models.window_service import get_window_service

    deploy("local/smollm2-tok", llama_server, max_sequence_length=16)
    service = get_window_service("local/smollm2-tok", make_context())
    text = "Holistic evaluation of language models, one request at a time."
    tokens = service.encode(text).tokens
    assert all(isinstance(t, int) for t in tokens) and 8 < len(tokens) < len(text)
    assert service.decode(tokens) == text
    assert "".join(service.tokenize(text)) == text
    truncated = service.truncate_from_right(text, expected_completion_token_length=4)
    assert text.startswith(truncated) and service.get_num_tokens(truncated) <= 12


def test_echo_is_refused_with_a_clear_error_instead_of_scoring_at_chance(llama_server, make_context):
    from holistic.models.clients import create_client
    from holistic.models.registry import get_model

    deploy("local/smollm2-echo", llama_server)
    client = create_client(get_model("local/smollm2-echo"), make_context())
    result = client.make_request(
        Request(model="local/smollm2-echo", prompt="A B C", echo_prompt=True, max_tokens=0, temperature=0)
    )
    assert not result.success
    assert "does not return the prompt's log-probabilities" in result.error
    assert not client.echo_supported  # later echo requests fail without being sent


@pytest.mark.parametrize("model", ["local/smollm2", "local/smollm2-chat"])
def test_helm_run_generation_through_the_server(model, llama_server, tmp_path):
    write_deployments(tmp_path / "prod_env", llama_server)
    assert helm_run(tmp_path, f"simple1:model={model},max_tokens=4") == 0
    directory = run_directory(tmp_path, f"simple1:model={model.replace('/', '_')},max_tokens=4")
    assert (directory / "stats.json").exists()
    states = json.loads((directory / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 2
    for state in states:
        result = state["result"]
        assert result["success"] and len(result["completions"]) == 3  # num_outputs 3, one call each
        assert all(len(c["tokens"]) <= 4 for c in result["completions"])
    stats = json.loads((directory / "stats.json").read_text())
    completion_tokens = [s["mean"] for s in stats if s["name"]["name"] == "num_completion_tokens"]
    assert completion_tokens and all(0 < mean <= 3 * 4 for mean in completion_tokens)
    # A rerun answers everything from the cache.
    assert helm_run(tmp_path, f"simple1:model={model},max_tokens=4") == 0
    states = json.loads((directory / "scenario_state.json").read_text())["request_states"]
    assert all(s["result"]["cached"] for s in states)


def test_helm_run_mmlu_joint_through_completions(llama_server, tmp_path, shared_data):
    write_deployments(tmp_path / "prod_env", llama_server)
    assert (
        helm_run(tmp_path, "mmlu:subject=philosophy,model=local/smollm2", "--data-mirror", str(shared_data))
        == 0
    )
    directory = run_directory(
        tmp_path, "mmlu:subject=philosophy,method=multiple_choice_joint,model=local_smollm2"
    )
    states = json.loads((directory / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 2
    for state in states:
        assert state["request"]["max_tokens"] == 1 and state["request"]["temperature"] == 0
        assert state["result"]["success"] and len(state["result"]["completions"][0]["tokens"]) == 1
    names = {s["name"]["name"] for s in json.loads((directory / "stats.json").read_text())}
    assert "exact_match" in names


def test_openai_compatible_name_configured_by_environment(llama_server, tmp_path, monkeypatch):
    monkeypatch.setenv("HOLISTIC_OPENAI_COMPATIBLE_BASE_URL", f"{llama_server}/v1")
    monkeypatch.setenv("HOLISTIC_OPENAI_COMPATIBLE_API", "chat")
    monkeypatch.setenv("HOLISTIC_OPENAI_COMPATIBLE_MAX_SEQUENCE_LENGTH", "4096")
    assert helm_run(tmp_path, "simple1:model=openai-compatible/smollm2-env,max_tokens=3,num_outputs=1") == 0
    directory = run_directory(
        tmp_path, "simple1:model=openai-compatible_smollm2-env,max_tokens=3,num_outputs=1"
    )
    states = json.loads((directory / "scenario_state.json").read_text())["request_states"]
    assert all(s["result"]["success"] for s in states)
