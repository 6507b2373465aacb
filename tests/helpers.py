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


def generation_state(
    completions: list[str] | list,
    input_text: str = "prompt",
    references: list[str] | None = None,
    split: str = "test",
    sub_split: str | None = None,
):
    """A request state of a generation run whose model answered with `completions` (texts or Sequences)."""
    from holistic.adaptation.request_state import RequestState
    from holistic.models.request import Request, RequestResult, Sequence

    sequences = [c if isinstance(c, Sequence) else Sequence(c, 0.0, []) for c in completions]
    refs = [Reference(r, [CORRECT_TAG]) for r in references or []]
    inst = Instance(input=input_text, references=refs, split=split, sub_split=sub_split, id="id0")
    result = RequestResult(True, [], sequences, False)
    return RequestState(inst, None, None, 0, None, Request(prompt=input_text), result, 0, False)
