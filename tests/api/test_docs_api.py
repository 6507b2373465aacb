"""The examples of docs/api.md run unchanged (in a fresh process, in a scratch directory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.api.markdown import SRC, code_blocks


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env["OMP_NUM_THREADS"] = "1"
    return env


def test_the_api_examples_run_unchanged(tmp_path: Path):
    blocks = [b for b in code_blocks("api.md") if b.language == "python" and not b.slow]
    assert len(blocks) >= 4
    script = tmp_path / "examples.py"
    script.write_text("\n\n".join(b.text for b in blocks), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # The mistake example printed its one-line error, naming the bad argument.
    assert "error: unknown argument 'no_such_argument' for scenario simple1" in done.stdout
    # The runs it made are on disk with the stats it printed.
    suite = tmp_path / "benchmarking_output" / "runs" / "api-demo"
    stats = json.loads((suite / "simple1:model=simple_model1" / "stats.json").read_text())
    counts = {s["name"]["name"]: s.get("mean") for s in stats if s["name"].get("split") == "test"}
    assert counts["num_instances"] == 5
    assert (suite / "simple1:model=me_characters" / "stats.json").is_file()
    assert (suite / "summary.json").is_file()


def test_every_public_name_is_documented():
    import holistic

    docs = (SRC.parent / "docs" / "api.md").read_text() + (SRC.parent / "docs" / "extending.md").read_text()
    missing = [name for name in holistic.__all__ if name != "__version__" and f"{name}" not in docs]
    assert missing == []
