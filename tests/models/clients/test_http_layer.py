"""The HTTP layer against real local servers: OPENAI_BASE_URL / OPENAI_API_KEY, unreachable servers (one quick
retry, one line naming the URL), pooled connections, and the one client factory."""

from __future__ import annotations

import re
import socket
from dataclasses import replace

import pytest

from holistic.models.clients import CLIENT_CLASSES, client_class, create_client
from holistic.models.clients.retry import RetryPolicy
from holistic.models.registry import get_model
from holistic.models.request import Request
from tests.models.clients.api_fakes import Reply

COMPLETION = {
    "choices": [
        {
            "text": " ok",
            "finish_reason": "length",
            "logprobs": {"tokens": [" ok"], "token_logprobs": [-0.5], "top_logprobs": [{" ok": -0.5}]},
        }
    ]
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_openai_base_url_and_api_key_from_the_environment_reach_a_local_server(
    fake_api, make_context, monkeypatch
):
    monkeypatch.setenv("OPENAI_BASE_URL", fake_api.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-environment")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-from-environment")
    fake_api.script(Reply(200, COMPLETION))
    client = create_client(get_model("openai/davinci"), make_context())
    result = client.make_request(Request(model="openai/davinci", prompt="Say ok", max_tokens=1))
    assert result.success and result.completions[0].text == " ok"
    (sent,) = fake_api.posts()
    assert sent.path == "/v1/completions" and sent.body["model"] == "davinci"
    assert sent.headers["authorization"] == "Bearer sk-from-environment"
    assert sent.headers["openai-organization"] == "org-from-environment"


def test_a_deployment_base_url_wins_over_openai_base_url_and_other_providers_ignore_it(
    make_context, monkeypatch
):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    context = make_context(options={"openai/davinci": {"base_url": "http://127.0.0.1:8/v1/"}})
    assert create_client(get_model("openai/davinci"), context).base_url == "http://127.0.0.1:8/v1"
    assert create_client(get_model("gooseai/gpt-j-6b"), make_context()).base_url == "https://api.goose.ai/v1"
    monkeypatch.delenv("OPENAI_BASE_URL")
    assert create_client(get_model("openai/davinci"), make_context()).base_url == "https://api.openai.com/v1"


def test_refused_connection_fails_after_one_quick_retry_with_one_line_naming_the_url(make_context):
    url = f"http://127.0.0.1:{free_port()}/v1"
    # HELM's full policy (5 attempts, 5 s doubling), which 429s and 5xx keep.
    context = make_context(
        {"openaiApiKey": "sk-x"}, {"openai/davinci": {"base_url": url}}, retry=RetryPolicy()
    )
    client = create_client(get_model("openai/davinci"), context)
    waits: list[float] = []
    client.sleep = waits.append
    result = client.make_request(Request(model="openai/davinci", prompt="one", max_tokens=1))
    assert not result.success
    assert waits == [RetryPolicy().unreachable_delay]  # one quick retry, not a minute of backoff
    assert f"cannot connect to {url}/completions" in result.error and "after 2 attempts" in result.error
    assert "refused" in result.error.lower() and "\n" not in result.error
    # The next request does not knock again: it fails at once with the same line.
    again = client.make_request(Request(model="openai/davinci", prompt="two", max_tokens=1))
    assert not again.success and waits == [RetryPolicy().unreachable_delay]
    assert f"cannot connect to {url}/completions" in again.error


def test_helm_run_against_a_refused_port_reports_the_url_on_one_line(tmp_path, monkeypatch, capsys):
    from holistic.cli.run import main

    url = f"http://127.0.0.1:{free_port()}/v1"
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    status = main(
        ["-r", "simple1:model=openai/davinci", "--suite", "s", "-m", "4", "-n", "2", "-q",
         "--local-path", str(tmp_path / "prod_env"), "-o", str(tmp_path / "out")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1
    assert re.search(r"(\d+) of \1 requests failed", err)
    lines = [line for line in err.splitlines() if f"cannot connect to {url}/completions" in line]
    assert lines and "Traceback" not in err


def test_server_errors_keep_the_full_backoff(fake_api, make_context):
    policy = replace(RetryPolicy(), jitter=0.0)
    context = make_context(
        {"openaiApiKey": "sk-x"}, {"openai/davinci": {"base_url": fake_api.url}}, retry=policy
    )
    client = create_client(get_model("openai/davinci"), context)
    waits: list[float] = []
    client.sleep = waits.append
    fake_api.default = Reply(503, {"error": "overloaded"})
    result = client.make_request(Request(model="openai/davinci", prompt="x", max_tokens=1))
    assert not result.success and "HTTP 503" in result.error and "after 5 attempts" in result.error
    assert waits == [5.0, 10.0, 20.0, 40.0]


def test_one_session_reuses_its_connection(make_context):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    peers: list[int] = []

    class KeepAlive(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers["Content-Length"]))
            peers.append(self.client_address[1])
            body = json.dumps(COMPLETION).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/v1"
        context = make_context({"openaiApiKey": "sk-x"}, {"openai/davinci": {"base_url": url}})
        client = create_client(get_model("openai/davinci"), context)
        for prompt in ("a", "b", "c"):
            assert client.make_request(Request(model="openai/davinci", prompt=prompt, max_tokens=1)).success
    finally:
        server.shutdown()
        server.server_close()
    assert len(peers) == 3 and len(set(peers)) == 1  # one TCP connection for all three requests


def test_the_factory_builds_every_provider_and_every_registry_client_is_known(make_context):
    from holistic.models.registry import model_names

    models = [get_model(name) for name in model_names()]
    assert {m.client for m in models} <= set(CLIENT_CLASSES)
    # "inprocess" serves model objects a user registers (tests/api/test_inprocess.py), none in the registry.
    assert client_class("inprocess").__name__ == "InProcessClient"
    for name in set(CLIENT_CLASSES) - {"inprocess"}:
        model = next(m for m in models if m.client == name)
        client = create_client(model, make_context())
        assert isinstance(client, client_class(name)) and client.model is model


def test_an_unknown_client_is_a_one_line_error():
    from holistic.errors import ConfigError

    with pytest.raises(ConfigError, match=r"unknown client 'opena' \(did you mean openai\?"):
        client_class("opena")


def test_a_key_in_the_query_string_never_reaches_an_error(fake_api):
    from holistic.models.clients.http import post_json
    from holistic.models.clients.retry import ApiError

    secret = "AIza-SECRET-IN-QUERY"
    for url in (f"http://127.0.0.1:{free_port()}/v1/comments:analyze?key={secret}",
                f"{fake_api.url}/v1/comments:analyze?key={secret}"):  # fmt: skip
        fake_api.script(Reply(200, b"", truncate=True))
        with pytest.raises(ApiError) as failed:
            post_json(url, {"comment": {"text": "hi"}}, timeout=2.0)
        assert secret not in str(failed.value) and "comments:analyze" in str(failed.value)


def test_an_unreachable_server_is_probed_again_after_the_hold(fake_api, make_context, monkeypatch):
    from holistic.models.clients import api_client

    port = free_port()
    context = make_context(
        {"openaiApiKey": "sk-x"}, {"openai/davinci": {"base_url": f"http://127.0.0.1:{port}"}}
    )
    client = create_client(get_model("openai/davinci"), context)
    client.sleep = lambda seconds: None
    assert not client.make_request(Request(model="openai/davinci", prompt="a", max_tokens=1)).success
    # The server comes up where the client looks (here: the client is pointed at it), and the hold is over.
    client.base_url = fake_api.url
    fake_api.script(Reply(200, COMPLETION))
    assert not client.make_request(Request(model="openai/davinci", prompt="b", max_tokens=1)).success
    assert fake_api.posts() == []  # still held: not tried
    monkeypatch.setattr(api_client, "UNREACHABLE_HOLD", 0.0)
    assert client.make_request(Request(model="openai/davinci", prompt="c", max_tokens=1)).success
