"""The files of a run directory (§3.5), written atomically; stats.json last, as the completion marker."""

from __future__ import annotations

import json
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

from holistic.adaptation.request_state import ScenarioState
from holistic.atomic_files import atomic_write_chunks
from holistic.jsonio import AtomicFiles, asdict_with_nones, asdict_without_nones
from holistic.metrics.statistic import PerInstanceStats, Stat
from holistic.runner.commits import RunCommits
from holistic.runner.helm_layout import (
    LAYOUT_2022,
    LAYOUT_HELM_05,
    helm05_scenario_record,
    helm05_scenario_state,
)
from holistic.scenarios.base import Scenario
from holistic.specs import RunSpec

RUN_FILES = ("run_spec.json", "scenario.json", "scenario_state.json", "per_instance_stats.json", "stats.json")
COMPLETION_MARKER = "stats.json"
PROFILE_FILE = "holistic_run.json"
"""holistic's own record of a run: the --helm-version profile that produced it (HELM ignores the file)."""


def run_directory(output_path: str | os.PathLike, suite: str, run_spec: RunSpec) -> Path:
    return Path(output_path, "runs", suite, run_spec.name)


def is_complete(directory: Path) -> bool:
    return all((directory / name).exists() for name in RUN_FILES)


def recorded_helm_version(directory: Path) -> str | None:
    """The --helm-version a run directory was written with (None: unknown, e.g. written before profiles)."""
    try:
        return json.loads((directory / PROFILE_FILE).read_text(encoding="utf-8")).get("helm_version")
    except (OSError, ValueError, AttributeError):
        return None


class RunWriter:
    """Writes a run directory in two steps so that writing overlaps with computing metrics.

    `start` writes run_spec.json, scenario.json and scenario_state.json (in a forked child process where
    the platform allows, since serialising is CPU-bound and the metrics run meanwhile in the parent);
    `finish` waits for it, then writes per_instance_stats.json and, last, stats.json.
    """

    FORK_MIN_REQUEST_STATES = 1000
    """Below this many request states writing is quick: done in-process, no fork."""

    def __init__(
        self,
        directory: Path,
        layout: str = LAYOUT_2022,
        compact: bool = False,
        commits: RunCommits | None = None,
    ) -> None:
        self.directory = directory
        self.commits = commits
        """Where `finish` hands the run's files to be made durable and renamed (in the background); None:
        `finish` does it before returning."""
        self._files = AtomicFiles()
        """The run's files written so far, under temporary names (all of them but the forked writer's)."""
        self.layout = layout
        """`2022` (the spec's) or `helm-0.5` (crfm-helm 0.5's nested inputs; see helm_layout.py)."""
        self.compact = compact
        """The three large files without whitespace, one array element per line (jsonio._Encoder); run_spec.json
        and stats.json, small and read by people, stay indented."""
        self._child: int | None = None
        self._errors: int | None = None  # read end of the pipe the child reports its exception on

    def start(self, run_spec: RunSpec, scenario: Scenario, scenario_state: ScenarioState) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # A rerun replaces a complete run: remove the marker first so a crash mid-way never looks complete.
        (self.directory / COMPLETION_MARKER).unlink(missing_ok=True)
        if hasattr(os, "fork") and len(scenario_state.request_states) >= self.FORK_MIN_REQUEST_STATES:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # child: write and leave without running the parent's cleanup handlers
                os.close(read_end)
                status = 1
                try:
                    self._write_state_files(run_spec, scenario, scenario_state)
                    status = 0
                except BaseException as e:  # noqa: BLE001 - every failure goes to the parent, then exit 1
                    _report_to_parent(write_end, e)
                finally:
                    os._exit(status)
            os.close(write_end)
            self._child, self._errors = pid, read_end
        else:
            from holistic.helm_version import current

            self._write_state_files_into(self._files, run_spec, scenario, scenario_state, current().version)

    def _write_state_files(
        self, run_spec: RunSpec, scenario: Scenario, scenario_state: ScenarioState
    ) -> None:
        from holistic.helm_version import current

        with AtomicFiles() as files:  # made durable together, then renamed
            self._write_state_files_into(files, run_spec, scenario, scenario_state, current().version)

    def _write_state_files_into(
        self,
        files: AtomicFiles,
        run_spec: RunSpec,
        scenario: Scenario,
        scenario_state: ScenarioState,
        helm_version: str,
    ) -> None:
        files.write_json(self.directory / "run_spec.json", run_spec)
        files.write_chunks(
            self.directory / PROFILE_FILE, [json.dumps({"helm_version": helm_version}, indent=2)]
        )
        scenario_record = {
            "name": scenario.name,
            "description": scenario.description,
            "tags": list(scenario.tags),
            "output_path": scenario.output_path,
            "scenario_spec": asdict_without_nones(run_spec.scenario_spec),
            "definition_path": scenario.definition_path,
            "instances": scenario_state.instances,
        }
        if self.layout == LAYOUT_HELM_05:
            scenario_record = helm05_scenario_record(scenario_record)
            scenario_state = helm05_scenario_state(scenario_state)
        files.write_json(self.directory / "scenario.json", scenario_record, self.compact)
        files.write_json(self.directory / "scenario_state.json", scenario_state, self.compact)

    def wait(self) -> None:
        """Wait for the writer process; its exception, if any, is raised here with the child's traceback."""
        if self._child is None:
            return
        assert self._errors is not None
        with os.fdopen(self._errors, "rb") as pipe:  # read before waiting: a long report must not block it
            report = pipe.read()
        _, status = os.waitpid(self._child, 0)
        self._child = self._errors = None
        if report:
            error, child_traceback = pickle.loads(report)
            error.add_note(
                f"in the run-directory writer process, writing {self.directory}:\n{child_traceback}"
            )
            raise error
        if status != 0:
            code = os.waitstatus_to_exitcode(status)
            how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
            raise RuntimeError(f"writing {self.directory} failed in the writer process ({how})")

    def finish(
        self,
        per_instance_stats: list[PerInstanceStats],
        stats: list[Stat],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Write the last two files (stats.json last) and commit the run: here, or through `commits`, which
        calls `on_error` if that fails."""
        self.wait()
        files, self._files = self._files, AtomicFiles()
        try:
            files.write_json(self.directory / "per_instance_stats.json", per_instance_stats, self.compact)
            files.write_json(self.directory / "stats.json", stats)
        except BaseException:
            files.abort()
            raise
        if self.commits is None:
            files.commit()
        else:
            self.commits.submit(files, on_error or _log_error)

    def abort(self) -> None:
        """The run failed after `start`: wait for the writer process, remove what is not committed."""
        try:
            self.wait()
        finally:
            self._files.abort()


def _log_error(error: BaseException) -> None:
    import logging

    logging.getLogger("holistic").error("writing a run directory failed: %s", error)


def _report_to_parent(fd: int, error: BaseException) -> None:
    """Send the exception (or, if it cannot be pickled, a RuntimeError naming it) and its traceback."""
    text = "".join(traceback.format_exception(error))
    try:
        payload = pickle.dumps((error, text))
        pickle.loads(payload)  # an exception whose constructor needs other arguments fails here, not later
    except Exception:  # noqa: BLE001
        payload = pickle.dumps((RuntimeError(f"{type(error).__name__}: {error}"), text))
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(payload)


def write_run(
    directory: Path,
    run_spec: RunSpec,
    scenario: Scenario,
    scenario_state: ScenarioState,
    per_instance_stats: list[PerInstanceStats],
    stats: list[Stat],
) -> None:
    writer = RunWriter(directory)
    writer.start(run_spec, scenario, scenario_state)
    writer.finish(per_instance_stats, stats)


def _indented_array(run_specs: list[RunSpec]) -> Iterator[str]:
    """`json.dumps(asdict_with_nones(run_specs), indent=2)` one RunSpec at a time (a suite may have thousands):
    an element of an indented array is its own indented text with two more spaces at the start of each line
    (JSON strings hold no raw newline)."""
    if not run_specs:
        yield "[]"
        return
    for i, run_spec in enumerate(run_specs):
        text = json.dumps(asdict_with_nones(run_spec), indent=2)
        yield ("[\n  " if i == 0 else ",\n  ") + text.replace("\n", "\n  ")
    yield "\n]"


def write_suite_files(output_path: str | os.PathLike, suite: str, run_specs: list[RunSpec]) -> None:
    """`runs/<suite>/run_specs.json` (every RunSpec, None fields kept, as HELM) and `runs/latest`."""
    suite_dir = Path(output_path, "runs", suite)
    suite_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_chunks(suite_dir / "run_specs.json", _indented_array(run_specs))
    latest = Path(output_path, "runs", "latest")
    # A per-process temporary name: several helm-run processes may finish at once in one output path.
    tmp = latest.with_name(f".latest.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(suite, tmp)
    os.replace(tmp, latest)
