"""Runs RunSpecs one after another: scenario, sampling, adaptation, execution, metrics, outputs.

Every answered request is in the sqlite cache before the run goes on, and the run directory is written only
at the end (atomically, stats.json last), so a crash loses nothing and a rerun resumes from the cache.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from holistic.adaptation import ScenarioState, get_adapter
from holistic.adaptation.sampling import sample_eval_instances
from holistic.errors import DataError, HolisticError
from holistic.execution import Executor
from holistic.helm_version import current as current_profile
from holistic.metrics import MetricContext, Stat, create_metric
from holistic.metrics.statistic import PerInstanceStats
from holistic.metrics.tokens_metric import TokensMetric
from holistic.models.cache import CacheRegistry
from holistic.models.clients import ClientContext
from holistic.models.credentials import load_credentials
from holistic.models.deployments import load_model_deployments
from holistic.models.window_service import get_window_service
from holistic.runner.commits import RunCommits
from holistic.runner.outputs import (
    RunWriter,
    is_complete,
    recorded_helm_version,
    run_directory,
    write_suite_files,
)
from holistic.scenarios import create_scenario
from holistic.scenarios.base import Instance, Scenario
from holistic.scenarios.download import data_mirror
from holistic.specs import RunSpec
from holistic.specs.overrides import apply_overrides  # noqa: F401 (its former home)

log = logging.getLogger("holistic")


@dataclass
class RunnerOptions:
    suite: str
    output_path: str = "benchmarking_output"
    local_path: str = "prod_env"
    num_threads: int = 4
    dry_run: bool = False
    skip_completed_runs: bool = False
    exit_on_error: bool = False
    data_mirror: str | None = None
    skip_run_specs_json: bool = False
    output_layout: str = "2022"
    """Run-directory layout: `2022` (the spec's) or `helm-0.5` (crfm-helm 0.5's; runner/helm_layout.py)."""
    indent_json: bool = False
    """Write scenario.json, scenario_state.json and per_instance_stats.json indented, byte for byte as HELM
    does; by default they are compact (the same JSON values without the whitespace, about half the bytes)."""


@dataclass
class RunOutcome:
    run_spec: RunSpec
    status: str
    """`done`, `skipped` or `failed`."""
    message: str = ""
    directory: Path | None = None
    seconds: float = 0.0
    crashed: bool = False
    """Failed on an unexpected exception (a bug), whose traceback is in the run directory."""


@dataclass
class _Timer:
    name: str
    start: float = field(default_factory=time.perf_counter)

    def done(self, what: str) -> None:
        now = time.perf_counter()
        log.info("  %s: %s (%.2fs)", self.name, what, now - self.start)
        self.start = now


class Runner:
    def __init__(self, options: RunnerOptions) -> None:
        self.options = options
        self.caches = CacheRegistry(options.local_path)
        self.client_context = ClientContext(self.caches, load_credentials(options.local_path))
        load_model_deployments(options.local_path)
        self.executor = Executor(self.client_context, options.num_threads)
        self._last_instances: tuple[object, list[Instance]] | None = None
        self.commits: RunCommits | None = None
        """Set while run_all runs: finished runs' files are made durable in the background meanwhile."""

    def run_all(self, run_specs: list[RunSpec]) -> list[RunOutcome]:
        outcomes: list[RunOutcome] = []
        # A model's client (a local model's weights) is let go after its last run, so a suite of several
        # local models holds one at a time (HELM keeps them all).
        last_run_of = {run_spec.adapter_spec.model: index for index, run_spec in enumerate(run_specs)}
        self.commits = RunCommits() if len(run_specs) > 1 else None
        try:
            for index, run_spec in enumerate(run_specs):
                log.info("[%d/%d] %s", index + 1, len(run_specs), run_spec.name)
                outcome = self.run_guarded(run_spec)
                outcomes.append(outcome)
                if last_run_of[run_spec.adapter_spec.model] == index:
                    release_model(run_spec.adapter_spec.model, self.client_context)
                if outcome.crashed and self.options.exit_on_error:
                    break
        finally:
            if self.commits is not None:
                self.commits.close()  # every finished run durable and in place before anything is reported
                self.commits = None
        self.write_suite_files(run_specs)
        return outcomes

    def run_guarded(self, run_spec: RunSpec) -> RunOutcome:
        """One run, timed; a user error fails the run only (or, with --exit-on-error, propagates), and a bug
        fails it with its traceback kept in the run directory."""
        start = time.perf_counter()
        # A run allocates millions of small, acyclic objects (instances, requests, stats, JSON text); the
        # cyclic collector would rescan them over and over (a sixth of a 10,000-instance run). It is
        # paused while holistic's own code runs and on while clients execute.
        gc.disable()
        try:
            outcome = self.run_one(run_spec)
        except HolisticError as e:
            if self.options.exit_on_error:
                raise
            outcome = RunOutcome(run_spec, "failed", str(e))
        except Exception:  # a bug: keep the traceback in a file, tell the user where, go on
            outcome = self.crashed(run_spec)
        finally:
            gc.enable()
        outcome.seconds = time.perf_counter() - start
        return outcome

    def write_suite_files(self, run_specs: list[RunSpec]) -> None:
        if not self.options.skip_run_specs_json and run_specs:
            write_suite_files(self.options.output_path, self.options.suite, run_specs)

    def crashed(self, run_spec: RunSpec) -> RunOutcome:
        """An unexpected exception: its traceback goes to `<run directory>/traceback.txt`."""
        import traceback

        text = traceback.format_exc()
        directory = run_directory(self.options.output_path, self.options.suite, run_spec)
        path = directory / "traceback.txt"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError:
            log.error("%s", text)
            where = "logged above"
        else:
            where = f"traceback in {path}"
        last = text.strip().splitlines()[-1]
        return RunOutcome(
            run_spec, "failed", f"unexpected error {last} (a bug; {where})", directory, crashed=True
        )

    def run_one(self, run_spec: RunSpec) -> RunOutcome:
        directory = run_directory(self.options.output_path, self.options.suite, run_spec)
        if self.options.skip_completed_runs and is_complete(directory):
            recorded = recorded_helm_version(directory)
            if recorded in (None, current_profile().version):
                return RunOutcome(run_spec, "skipped", "already complete", directory)
            log.info("  rerunning: %s was written with --helm-version %s", directory, recorded)
        timer = _Timer(run_spec.name)
        scenario = create_scenario(run_spec.scenario_spec)
        instances = self.load_instances(scenario)
        scenario.check_adapter_spec(run_spec.adapter_spec)
        timer.done(f"{len(instances)} instances")
        instances = sample_eval_instances(instances, run_spec.adapter_spec.max_eval_instances)
        instances = self.augment(run_spec, instances)
        window_service = get_window_service(run_spec.adapter_spec.model, self.client_context)
        scenario_state = get_adapter(run_spec.adapter_spec, window_service).adapt(instances)
        timer.done(f"{len(scenario_state.request_states)} requests")
        failures = ""
        if not self.options.dry_run:
            # Clients (a local model's forward passes) run with the cyclic collector on, as usual.
            gc.enable()
            try:
                scenario_state, report = self.executor.execute(scenario_state, run_spec.name)
            finally:
                gc.disable()
            timer.done("executed")
            if report.failures:
                failures = report.summary()
        writer = None
        if not failures:
            writer = RunWriter(
                directory, self.options.output_layout, not self.options.indent_json, self.commits
            )
            writer.start(run_spec, scenario, scenario_state)
        try:
            stats, per_instance = self.evaluate(
                run_spec, scenario_state, window_service, failed=bool(failures)
            )
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        timer.done("metrics")
        if failures:
            # Keep what was answered (in the cache and in scenario_state.json) but do not mark the run complete.
            directory.mkdir(parents=True, exist_ok=True)
            from holistic.jsonio import write_json

            (directory / "stats.json").unlink(missing_ok=True)
            write_json(
                directory / "scenario_state.json", scenario_state, compact=not self.options.indent_json
            )
            return RunOutcome(
                run_spec,
                "failed",
                failures + " (rerun to retry them; answered requests are cached)",
                directory,
            )
        assert writer is not None
        # The state's files are written (or being written by the forked writer): let the requests, results
        # and instances go before encoding the per-instance stats, so that their memory is reused.
        del scenario_state, instances
        outcome = RunOutcome(run_spec, "done", "", directory)
        writer.finish(per_instance, stats, on_error=lambda error: _commit_failed(outcome, error))
        timer.done(f"wrote {directory}")
        return outcome

    def load_instances(self, scenario: Scenario) -> list[Instance]:
        scenario.output_path = str(Path(self.options.output_path, "scenarios", scenario.name))
        scenario.data_mirror = data_mirror(self.options.data_mirror)
        key = None
        if scenario.reuse_instances:
            key = (type(scenario), repr(sorted(vars(scenario).items())))
            last = self._last_instances
            if last is not None and last[0] == key:
                return list(last[1])  # frozen instances; a new list, as a fresh read gives
        instances = self._read_instances(scenario)
        # Only the last scenario's instances are kept, so memory does not grow with the suite.
        self._last_instances = None if key is None else (key, instances)
        return list(instances)

    def _read_instances(self, scenario: Scenario) -> list[Instance]:
        try:
            instances = scenario.get_instances()
        except UnicodeDecodeError as e:
            raise DataError(
                f"data file {_file_being_read(e) or 'of ' + scenario.name} is not UTF-8 text "
                f"({e.reason} at byte {e.start}; replace it with a UTF-8 copy of the data set)"
            ) from None
        if not instances:
            raise DataError(
                f"scenario {scenario.name} produced no instances (check its data under {scenario.output_path})"
            )
        return [instance.with_id(f"id{i}") for i, instance in enumerate(instances)]

    def augment(self, run_spec: RunSpec, instances: list[Instance]) -> list[Instance]:
        if not run_spec.data_augmenter_spec.perturbation_specs:
            return instances
        from holistic.augmentation.augmenter import augment_instances

        # Perturbation data files are cached under <output>/perturbations/<name>/ (HELM's layout).
        return augment_instances(
            run_spec.data_augmenter_spec,
            instances,
            self.options.output_path,
            data_mirror(self.options.data_mirror),
        )

    def evaluate(
        self, run_spec: RunSpec, scenario_state: ScenarioState, window_service, failed: bool
    ) -> tuple[list[Stat], list[PerInstanceStats]]:
        context = MetricContext(
            window_service,
            Path(self.options.output_path, "runs", self.options.suite, "eval_cache"),
            num_threads=self.options.num_threads,
            client_context=self.client_context,
        )
        metrics = (
            []
            if (self.options.dry_run or failed)
            else [create_metric(spec) for spec in run_spec.metric_specs]
        )
        stats: list[Stat] = []
        per_instance: list[PerInstanceStats] = []
        for metric in [*metrics, TokensMetric()]:
            if metric is None:
                continue
            result = metric.evaluate(scenario_state, context)
            stats.extend(result.aggregated_stats)
            per_instance.extend(result.per_instance_stats)
        return stats, per_instance


def _commit_failed(outcome: RunOutcome, error: BaseException) -> None:
    """A run's files could not be made durable or renamed (disk full, directory removed): it is not done."""
    outcome.status = "failed"
    outcome.message = f"writing {outcome.directory} failed ({error}; rerun to retry: answers are cached)"


def _file_being_read(error: BaseException) -> str | None:
    """The name of the text file open in the innermost frame that has one (a decode error does not say)."""
    import io

    frames = []
    tb = error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for value in frame.f_locals.values():
            if isinstance(value, io.TextIOWrapper) and isinstance(value.name, str):
                return value.name
    return None


def release_model(model_name: str, client_context: ClientContext) -> None:
    """Let a model's client go and free what only it held (a local model's weights, GPU memory)."""
    from holistic.models.clients import release_client

    if not release_client(model_name, client_context):
        return
    gc.collect()
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()
