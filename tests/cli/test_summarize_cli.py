from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _python(code: str) -> str:
    env = {"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout


def test_help_imports_nothing_heavy():
    # --help must stay instant: the report machinery (yaml, orjson, tqdm) is imported only to summarize.
    out = _python(
        "import sys\n"
        "from holistic.cli import summarize, server\n"
        "try:\n    summarize.main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "try:\n    server.main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "print(sorted(m for m in ('yaml', 'orjson', 'tqdm', 'holistic.report.summarizer', 'http.server') if m in sys.modules))"
    )
    assert out.strip().splitlines()[-1] == "[]"


def test_usage_errors_are_one_line_and_exit_2():
    result = subprocess.run(
        [sys.executable, "-m", "holistic.cli.summarize"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: the following arguments are required: --suite")
    assert len(result.stderr.strip().splitlines()) == 1


def test_entry_point_exits_with_mains_status(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from holistic.cli.summarize import entry_point; entry_point()",
            "--suite",
            "x",
            "-o",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2 and result.stderr.startswith("error: suite directory")
