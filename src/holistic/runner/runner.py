"""Runs RunSpecs one after another: scenario, sampling, adaptation, execution, metrics, outputs.

Every answered request is in the sqlite cache before the run goes on, and the run directory is written only
at the end (atomically, stats.json last), so a crash loses nothing and a rerun resumes from the cache.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from holistic.adaptation import ScenarioState, get_adapter
from holistic.adaptation.sampling import sample_eval_instances
from holistic.errors import DataError, HolisticError
from holistic.execution import Executor
from holistic.metrics import MetricContext, Stat, create_metric
from holistic.metrics.statistic import PerInstanceStats
from holistic.metrics.tokens_metric import TokensMetric
from holistic.models.cache import CacheRegistry
from holistic.models.clients import ClientContext
from holistic.models.credentials import load_credentials
from holistic.models.deployments import load_model_deployments
from holistic.models.window_service import get_window_service
from holistic.runner.outputs import RunWriter, is_complete, run_directory, write_suite_files
from holistic.scenarios import create_scenario
from holistic.scenarios.base import Instance, Scenario
from holistic.scenarios.download import data_mirror
from holistic.specs import RunSpec

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


@dataclass
class RunOutcome:
    run_spec: RunSpec
    status: str
    """`done`, `skipped` or `failed`."""
    message: str = ""
    directory: Path | None = None
    seconds: float = 0.0


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

    def run_all(self, run_specs: list[RunSpec]) -> list[RunOutcome]:
        outcomes = []
        for index, run_spec in enumerate(run_specs):
            log.info("[%d/%d] %s", index + 1, len(run_specs), run_spec.name)
            outcomes.append(self.run_guarded(run_spec))
        self.write_suite_files(run_specs)
        return outcomes

    def run_guarded(self, run_spec: RunSpec) -> RunOutcome:
        """One run, timed; a user error fails the run only (or, with --exit-on-error, propagates)."""
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
        finally:
            gc.enable()
        outcome.seconds = time.perf_counter() - start
        return outcome

    def write_suite_files(self, run_specs: list[RunSpec]) -> None:
        if not self.options.skip_run_specs_json and run_specs:
            write_suite_files(self.options.output_path, self.options.suite, run_specs)

    def run_one(self, run_spec: RunSpec) -> RunOutcome:
        directory = run_directory(self.options.output_path, self.options.suite, run_spec)
        if self.options.skip_completed_runs and is_complete(directory):
            return RunOutcome(run_spec, "skipped", "already complete", directory)
        timer = _Timer(run_spec.name)
        scenario = create_scenario(run_spec.scenario_spec)
        instances = self.load_instances(scenario)
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
            writer = RunWriter(directory)
            writer.start(run_spec, scenario, scenario_state)
        try:
            stats, per_instance = self.evaluate(
                run_spec, scenario_state, window_service, failed=bool(failures)
            )
        except BaseException:
            if writer is not None:
                writer.wait()
            raise
        timer.done("metrics")
        if failures:
            # Keep what was answered (in the cache and in scenario_state.json) but do not mark the run complete.
            directory.mkdir(parents=True, exist_ok=True)
            from holistic.jsonio import write_json

            (directory / "stats.json").unlink(missing_ok=True)
            write_json(directory / "scenario_state.json", scenario_state)
            return RunOutcome(
                run_spec,
                "failed",
                failures + " (rerun to retry them; answered requests are cached)",
                directory,
            )
        assert writer is not None
        writer.finish(per_instance, stats)
        timer.done(f"wrote {directory}")
        return RunOutcome(run_spec, "done", "", directory)

    def load_instances(self, scenario: Scenario) -> list[Instance]:
        scenario.output_path = str(Path(self.options.output_path, "scenarios", scenario.name))
        scenario.data_mirror = data_mirror(self.options.data_mirror)
        instances = scenario.get_instances()
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
            window_service, Path(self.options.output_path, "runs", self.options.suite, "eval_cache")
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


def apply_overrides(
    run_spec: RunSpec,
    max_eval_instances: int | None,
    num_train_trials: int | None,
    groups: list[str] | None = None,
) -> RunSpec:
    """Command-line overrides applied after expansion (§1.4)."""
    adapter_spec = run_spec.adapter_spec
    if max_eval_instances is not None:
        adapter_spec = replace(adapter_spec, max_eval_instances=max_eval_instances)
    if num_train_trials is not None or adapter_spec.max_train_instances == 0:
        trials = 1 if adapter_spec.max_train_instances == 0 else num_train_trials
        adapter_spec = replace(adapter_spec, num_train_trials=trials)
    return replace(run_spec, adapter_spec=adapter_spec, groups=run_spec.groups + list(groups or []))
