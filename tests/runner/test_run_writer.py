"""The run-directory writer: the forked child's failure reaches the parent as the real exception."""

from __future__ import annotations

import json
import os

import pytest

from holistic.adaptation.request_state import ScenarioState
from holistic.runner.outputs import RunWriter
from holistic.scenarios.base import Scenario
from holistic.specs import AdapterSpec, RunSpec, ScenarioSpec

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer forks only where os.fork exists")


class TinyScenario(Scenario):
    name = "tiny"
    description = "tiny"

    def get_instances(self):
        return []


class FailingScenario(TinyScenario):
    @property
    def definition_path(self) -> str:
        raise ValueError("no definition path for this scenario")


class UnpicklableError(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(f"{code}: {detail}")


class UnpicklableScenario(TinyScenario):
    @property
    def definition_path(self) -> str:
        raise UnpicklableError(7, "odd constructor")


def run(tmp_path, scenario: Scenario) -> RunWriter:
    run_spec = RunSpec("tiny:model=simple/model1", ScenarioSpec("tiny.TinyScenario"), AdapterSpec(), [])
    writer = RunWriter(tmp_path / "run")
    writer.FORK_MIN_REQUEST_STATES = 0  # fork even for an empty run
    writer.start(run_spec, scenario, ScenarioState(AdapterSpec(), []))
    assert writer._child is not None  # really forked
    return writer


def test_forked_writer_writes_the_files(tmp_path):
    writer = run(tmp_path, TinyScenario())
    writer.finish([], [])
    assert json.loads((tmp_path / "run" / "scenario.json").read_text())["name"] == "tiny"
    assert (tmp_path / "run" / "stats.json").exists()


def test_the_childs_exception_and_traceback_reach_the_parent(tmp_path):
    writer = run(tmp_path, FailingScenario())
    with pytest.raises(ValueError, match="no definition path") as info:
        writer.finish([], [])
    note = "\n".join(info.value.__notes__)
    assert "writer process" in note and "definition_path" in note and "Traceback" in note
    assert not (tmp_path / "run" / "stats.json").exists()  # an incomplete run never looks complete


def test_an_unpicklable_exception_is_named(tmp_path):
    writer = run(tmp_path, UnpicklableScenario())
    with pytest.raises(RuntimeError, match="UnpicklableError: 7: odd constructor") as info:
        writer.finish([], [])
    assert "odd constructor" in "\n".join(info.value.__notes__)
