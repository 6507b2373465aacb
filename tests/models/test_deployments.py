import pytest

from holistic.errors import ConfigError, MissingCredentialsError, UnknownNameError
from holistic.models.deployments import load_model_deployments
from holistic.models.registry import get_model
from holistic.models.request import Request


def write(tmp_path, text: str):
    (tmp_path / "model_deployments.yaml").write_text(text)
    return tmp_path


def test_deployments_register_models_with_their_client_options(tmp_path):
    write(
        tmp_path,
        """
model_deployments:
  - name: vllm/llama-test
    base_url: http://127.0.0.1:8000/v1
    api_model: meta-llama/Llama-Test
    max_sequence_length: 8192
    max_request_length: 8193
    timeout: 30
  - name: myanthropic/claude-test
    client: anthropic
    api_model: claude-test-1
    tokenizer: huggingface/gpt2
""",
    )
    vllm, claude = load_model_deployments(tmp_path)
    assert get_model("vllm/llama-test") is vllm
    assert (vllm.client, vllm.tokenizer, vllm.max_sequence_length, vllm.max_request_length) == (
        "openai",
        "server:vllm/llama-test",
        8192,
        8193,
    )
    assert (
        vllm.args["credential"] is None
        and vllm.args["max_completions_per_request"] == 1
        and vllm.args["timeout"] == 30
    )
    assert not vllm.in_helm_registry and "text" in vllm.tags
    assert (claude.client, claude.tokenizer, claude.args) == (
        "anthropic",
        "huggingface/gpt2",
        {"api_model": "claude-test-1"},
    )


def test_no_file_means_no_deployments(tmp_path):
    assert load_model_deployments(tmp_path) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model_deployments:\n  - name: a/b\n    colour: blue\n", "unknown key 'colour'"),
        ("model_deployments:\n  - name: a/b\n    client: telepathy\n", "unknown client 'telepathy'"),
        ("model_deployments:\n  - name: nameless\n", "invalid name 'nameless'"),
        ("model_deployments:\n  - base_url: http://x\n", "needs at least `name:"),
        ("model_deployments:\n  - name: a/b\n    api: fax\n", "invalid api 'fax'"),
        ("model_deployments:\n  - name: a/b\n    max_sequence_length: lots\n", "must be integers"),
        ("models: []\n", "must hold a list under `model_deployments:`"),
        ("model_deployments: [\n", "cannot parse"),
    ],
)
def test_malformed_deployments_are_one_line_config_errors(tmp_path, text, message):
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")) as info:
        load_model_deployments(tmp_path)
    assert "\n" not in str(info.value)


def test_openai_compatible_names_are_configured_by_environment(monkeypatch):
    monkeypatch.setenv("HOLISTIC_OPENAI_COMPATIBLE_BASE_URL", "http://10.0.0.5:1234/v1")
    monkeypatch.setenv("HOLISTIC_OPENAI_COMPATIBLE_API", "chat")
    monkeypatch.setenv("HOLISTIC_OPENAI_COMPATIBLE_MAX_SEQUENCE_LENGTH", "32768")
    model = get_model("openai-compatible/qwen-test-env")
    assert model.args["base_url"] == "http://10.0.0.5:1234/v1" and model.args["api"] == "chat"
    assert model.max_sequence_length == 32768 and model.tokenizer == "server:openai-compatible/qwen-test-env"


def test_unknown_model_names_say_what_would_be_valid():
    with pytest.raises(UnknownNameError, match="openai-compatible/<served model>"):
        get_model("nosuchorg/nosuchmodel")


def test_missing_key_names_the_key_and_where_and_cached_requests_need_none(tmp_path, monkeypatch):
    from holistic.models.cache import CacheRegistry
    from holistic.models.clients import create_client
    from holistic.models.clients.base import ClientContext
    from holistic.models.credentials import load_credentials

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    context = ClientContext(CacheRegistry(tmp_path), load_credentials(tmp_path))
    client = create_client(get_model("openai/curie"), context)
    cached, fresh = (
        Request(model="openai/curie", prompt="cached"),
        Request(model="openai/curie", prompt="fresh"),
    )
    context.cache("openai").put(
        client.cache_keys(cached)[0], {"choices": [{"text": " x", "finish_reason": "length"}]}
    )
    client.check_credentials([cached])  # everything cached: no key needed
    assert client.make_request(cached).success
    with pytest.raises(MissingCredentialsError) as info:
        client.check_credentials([cached, fresh])
    assert str(info.value) == (
        f"missing credential openaiApiKey for openai/curie (add `openaiApiKey: ...` to {tmp_path / 'credentials.conf'} "
        "or set OPENAI_API_KEY): 1 of 2 requests are not cached"
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    client.check_credentials([cached, fresh])
    assert client.api_key() == "sk-from-env"
