"""helm-server against a real summarized suite, over a real socket."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from holistic.cli.server import build_parser
from holistic.cli.server import main as server_main
from holistic.cli.summarize import main as summarize_main
from holistic.report.server import make_server, report_url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def served(suite_copy):
    assert summarize_main(["--suite", "t", "--output-path", str(suite_copy), "-q"]) == 0
    server = make_server(suite_copy, "t", port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}", server
    server.shutdown()
    server.server_close()


def get(url: str):
    return urllib.request.urlopen(url, timeout=10)


def test_root_redirects_to_the_suite_report(served):
    base, server = served
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as raised:
        opener.open(base + "/", timeout=10)
    assert raised.value.code == 302
    assert raised.value.headers["Location"] == "/runs/t/report/index.html"
    with get(base + "/") as response:  # followed
        page = response.read().decode()
        assert "Suite t" in page and "Leaderboards" in page
        assert response.headers["Cache-Control"] == "no-store"
    assert report_url(server, "t") == base + "/runs/t/report/index.html"


def test_raw_json_under_both_paths(served):
    base, _ = served
    with get(base + "/runs/t/summary.json") as response:
        assert json.loads(response.read())["suite"] == "t"
        assert response.headers["Content-Type"].startswith("application/json")
    with get(base + "/benchmark_output/runs/t/groups/mmlu.json") as response:
        assert json.loads(response.read())[0]["name"] == "all"
    with get(base + "/runs/t/report/assets/report.js") as response:
        assert "textContent" in response.read().decode()


def test_nothing_outside_the_output_path(served):
    base, _ = served
    for path in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/runs/t/../../../etc/passwd"]:
        try:
            with get(base + path) as response:
                assert b"root:" not in response.read()
        except urllib.error.HTTPError as e:
            assert e.code == 404


def test_binds_to_loopback_by_default():
    args = build_parser().parse_args(["--suite", "x"])
    assert args.host == "127.0.0.1" and args.port == 8000


def test_missing_suite_is_a_usage_error(tmp_path, capsys):
    assert server_main(["--suite", "nope", "--output-path", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: suite directory")
