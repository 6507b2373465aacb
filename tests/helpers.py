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


# A crash test's fault: SIGKILL the helm-run process once N requests are answered. It counts the executor's
# progress bar ("req" units, advanced after each answer is cached), so production code carries no test hook.
_KILL_AFTER_REQUESTS = """
import os, signal, sys
import tqdm
limit, answered, original, original_init = int(sys.argv.pop(1)), [0], tqdm.tqdm.update, tqdm.tqdm.__init__
def init(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    self.counts_requests = kwargs.get("unit") == "req"
def update(self, n=1):
    if getattr(self, "counts_requests", False):
        answered[0] += n
        if answered[0] >= limit:
            os.kill(os.getpid(), signal.SIGKILL)
    return original(self, n)
tqdm.tqdm.__init__, tqdm.tqdm.update = init, update
from holistic.cli.run import entry_point
entry_point()
"""


def run_cli_killed_after(requests: int, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """`helm-run args` in a subprocess that is killed with SIGKILL after `requests` answers."""
    return subprocess.run(
        [sys.executable, "-c", _KILL_AFTER_REQUESTS, str(requests), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def load(path: Path):
    return json.loads(Path(path).read_text())
