"""Small builders shared by tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from holistic.scenarios.base import CORRECT_TAG, Instance, Reference


def instance(
    text: str, answer: str | None = None, split: str = "train", others: tuple[str, ...] = ()
) -> Instance:
    references = [Reference(answer, [CORRECT_TAG])] if answer is not None else []
    references += [Reference(o, []) for o in others]
    return Instance(input=text, references=references, split=split)


def run_cli(
    args: list[str], cwd: Path, env: dict | None = None, module: str = "holistic.cli.run"
) -> subprocess.CompletedProcess:
    """Run a console command in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


def load(path: Path):
    return json.loads(Path(path).read_text())
