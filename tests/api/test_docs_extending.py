"""The worked example of docs/extending.md, unchanged: installed as a real package, and as --plugins FILE.

The package is installed with `pip install --target` into a scratch directory put on PYTHONPATH (pip's
ordinary install; entry points are found through its .dist-info), so the shared environment is untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.markdown import SRC, code_blocks, write_files

BIN = Path(sys.executable).parent
RUN_NAME = "capitals:path=capitals.jsonl,model=example_capitals"


def _environment(*paths: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), str(SRC)])
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env["OMP_NUM_THREADS"] = "1"
    return env


def _check_outputs(root: Path, suite: str) -> None:
    run = root / "benchmarking_output" / "runs" / suite / RUN_NAME
    stats = json.loads((run / "stats.json").read_text())
    found = {
        s["name"]["name"]: s["mean"]
        for s in stats
        if s["name"].get("split") == "test" and "perturbation" not in s["name"] and s["count"]
    }
    # The toy client knows Tokyo and Lima, not Nairobi: the plug-in metric and the built-in exact match agree.
    assert found["answer_in_completion"] == pytest.approx(2 / 3)
    assert found["exact_match"] == pytest.approx(2 / 3)
    # The report shows the run and the plug-in's metric.
    suite_dir = root / "benchmarking_output" / "runs" / suite
    runs = json.loads((suite_dir / "runs.json").read_text())
    assert any(r["run_spec"]["name"] == RUN_NAME for r in runs)
    pages = [p for p in (suite_dir / "report").rglob("*.html") if p.is_file() and "capitals" in str(p)]
    assert any("answer_in_completion" in p.read_text(errors="replace") for p in pages)


def _bash_blocks() -> list[str]:
    return [b.text for b in code_blocks("extending.md") if b.language == "bash"]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    written = write_files(code_blocks("extending.md"), tmp_path)
    assert {p.name for p in written} >= {"capitals.jsonl", "pyproject.toml", "plugin.py"}
    return tmp_path


def test_installed_plugin_package_runs_end_to_end(example: Path):
    if shutil.which("helm-run", path=str(BIN)) is None:
        pytest.skip("the holistic commands are not installed next to this Python")
    target = example / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(example / "holistic-capitals")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    assert list(target.glob("holistic_capitals-*.dist-info/entry_points.txt"))
    commands = _bash_blocks()[0]
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands], cwd=example, env=_environment(target),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["capitals"]  # --list-scenarios | grep capitals
    _check_outputs(example, "capitals-demo")


def test_plugin_file_given_with_plugins_runs_end_to_end(example: Path):
    plugin = "holistic-capitals/holistic_capitals/plugin.py"
    env = _environment()
    listed = subprocess.run(
        [sys.executable, "-m", "holistic.cli.run", "--list-scenarios", "--plugins", plugin],
        cwd=example, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "capitals" in listed.stdout.splitlines()
    without = subprocess.run(
        [sys.executable, "-m", "holistic.cli.run", "--list-scenarios"],
        cwd=example, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "capitals" not in without.stdout.splitlines()
    for command in (
        ["holistic.cli.run", "-r", "capitals:model=example/capitals", "--suite", "by-path", "-q"],
        ["holistic.cli.summarize", "--suite", "by-path", "-q"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", *command, "--plugins", plugin],
            cwd=example, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
    _check_outputs(example, "by-path")
