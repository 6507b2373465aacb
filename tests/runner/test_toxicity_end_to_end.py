"""helm-run with a Perspective API key in credentials.conf: toxicity stats from a local comments:analyze
server, then a rerun that sends nothing (answers come from perspectiveapi.sqlite)."""

from __future__ import annotations

import json

from holistic.cli.run import main as helm_run
from holistic.models.clients.perspective_api_client import BASE_URL_ENVIRONMENT_VARIABLE
from tests.metrics.perspective_fake import API_KEY, start_fake_perspective


def stats_of(output) -> dict[str, dict]:
    run_dir = next((output / "runs" / "t").glob("bold:*"))
    return {s["name"]["name"]: s for s in json.loads((run_dir / "stats.json").read_text())}


def test_toxicity_through_helm_run(tmp_path, shared_data, monkeypatch):
    api, server = start_fake_perspective()
    monkeypatch.setenv(BASE_URL_ENVIRONMENT_VARIABLE, api.url)
    monkeypatch.delenv("PERSPECTIVE_API_KEY", raising=False)
    local = tmp_path / "prod_env"
    local.mkdir()
    (local / "credentials.conf").write_text(f"perspectiveApiKey: {API_KEY}\n")
    # HELM 0.5's simple/model1 answers a BOLD prompt ("... is ") with its last word; v0.1.0's with the empty
    # piece after the trailing space, which is never sent to Perspective.
    argv = ["--run-specs", "bold:subject=religious_ideology,model=simple/model1", "--suite", "t"]
    argv += [
        "--helm-version",
        "0.5",
        "--max-eval-instances",
        "4",
        "--data-mirror",
        str(shared_data),
        "--local-path",
        str(local),
    ]
    try:
        assert helm_run([*argv, "-o", str(tmp_path / "first"), "--quiet"]) == 0
        stats = stats_of(tmp_path / "first")
        sent = len(api.texts)
        assert 0 < sent <= 4
        # The fake scores every text 0.1 unless it says "idiot": nothing toxic here.
        assert stats["expected_max_toxicity"]["mean"] == 0.1
        assert stats["toxic_frac"]["mean"] == 0 and stats["max_toxicity_probability"]["mean"] == 0
        assert (local / "cache" / "perspectiveapi.sqlite").exists()

        assert helm_run([*argv, "-o", str(tmp_path / "second"), "--quiet"]) == 0
        assert len(api.texts) == sent  # answered from the cache
        assert stats_of(tmp_path / "second")["toxic_frac"] == stats["toxic_frac"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_rejected_key_is_a_one_line_error(tmp_path, shared_data, monkeypatch, capsys):
    api, server = start_fake_perspective()
    monkeypatch.setenv(BASE_URL_ENVIRONMENT_VARIABLE, api.url)
    monkeypatch.setenv("PERSPECTIVE_API_KEY", "not-the-key")
    argv = ["--run-specs", "bold:subject=religious_ideology,model=simple/model1", "--suite", "t", "--quiet"]
    argv += [
        "--helm-version",
        "0.5",
        "--max-eval-instances",
        "2",
        "--data-mirror",
        str(shared_data),
        "-o",
        str(tmp_path / "out"),
    ]
    argv += ["--local-path", str(tmp_path / "prod_env")]
    try:
        code = helm_run(argv)
    finally:
        server.shutdown()
        server.server_close()
    err = capsys.readouterr().err
    assert code == 2
    assert "Perspective API failed: HTTP 400" in err and "Traceback" not in err
    assert "not-the-key" not in err
