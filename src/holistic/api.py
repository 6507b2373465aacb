"""The public Python API: `holistic.run` and `holistic.summarize`, with typed results (docs/api.md).

The command-line tools and this API share the same steps (plug-ins, deployments, `construct_run_specs`, the
runner, the summarizer); here failures a user can cause raise `holistic.HolisticError` instead of printing
one line, and a run whose requests failed is a result with `status == "failed"`, not an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from holistic.errors import DescriptionError, HolisticError

if TYPE_CHECKING:
    from holistic.specs import RunSpec
    from holistic.specs.conf import RunEntry

OUTPUT_LAYOUTS = ("2022", "helm-0.5")
"""Run-directory layouts: the spec's (HELM v0.1.0, 2022) and crfm-helm 0.5's (`{"text": ...}` inputs)."""

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class StatValue:
    """One aggregated statistic of a run (a `stats.json` entry)."""

    name: str
    split: str | None
    sub_split: str | None
    perturbation: str | None
    """The perturbation's name, or None for unperturbed instances."""
    count: int
    mean: float | None
    """None when count is 0."""
    stddev: float | None


@dataclass(frozen=True)
class InstanceStats:
    """The stats of one instance in one train trial (a `per_instance_stats.json` entry)."""

    instance_id: str
    perturbation: str | None
    """The perturbation's name, or None for the unperturbed instance."""
    train_trial_index: int
    stats: tuple[StatValue, ...]


@dataclass(frozen=True)
class RunResult:
    """What became of one RunSpec."""

    name: str
    """The run name (also the directory name under runs/<suite>/)."""
    status: Status
    directory: Path | None
    run_spec: RunSpec
    error: str | None = None
    """Why the run failed (for example "2 of 40 requests failed: ...")."""
    seconds: float = 0.0
    bug: bool = False
    """Failed on an unexpected exception (a bug in holistic or a plug-in): the traceback is in the directory."""

    @property
    def stat_values(self) -> tuple[StatValue, ...]:
        """Every stat of stats.json (empty unless the run is done or was skipped as complete).

        Read from the run directory at each access: a suite of thousands of runs keeps none in memory."""
        if self.status == "failed" or self.directory is None:
            return ()
        return read_stats(self.directory)

    @property
    def per_instance_stats(self) -> tuple[InstanceStats, ...]:
        """Every entry of per_instance_stats.json (empty unless the run is done or was skipped as complete);
        read at each access, as `stat_values`."""
        if self.status == "failed" or self.directory is None:
            return ()
        return read_per_instance_stats(self.directory)

    @property
    def stats(self) -> dict[str, dict[str, float]]:
        """Means by stat name and split, over instances without sub-split or perturbation."""
        table: dict[str, dict[str, float]] = {}
        for value in self.stat_values:
            if value.sub_split is None and value.perturbation is None and value.mean is not None:
                table.setdefault(value.name, {})[value.split or ""] = value.mean
        return table

    def stat(
        self, name: str, split: str = "test", sub_split: str | None = None, perturbation: str | None = None
    ) -> float | None:
        """The mean of one stat, or None when the run has no such stat."""
        for value in self.stat_values:
            if (value.name, value.split, value.sub_split, value.perturbation) == (
                name,
                split,
                sub_split,
                perturbation,
            ):
                return value.mean
        return None


@dataclass(frozen=True)
class SuiteResult:
    """The runs of one `holistic.run` call."""

    suite: str
    directory: Path
    """<output_path>/runs/<suite>."""
    runs: tuple[RunResult, ...] = field(default_factory=tuple)

    @property
    def failures(self) -> tuple[RunResult, ...]:
        return tuple(r for r in self.runs if r.status == "failed")

    @property
    def ok(self) -> bool:
        return not self.failures

    def __getitem__(self, name: str) -> RunResult:
        for result in self.runs:
            if result.name == name:
                return result
        raise KeyError(f"no run named {name!r} (runs: {', '.join(r.name for r in self.runs)})")


@dataclass(frozen=True)
class Summary:
    """What `holistic.summarize` wrote."""

    suite_dir: Path
    report_dir: Path | None
    """runs/<suite>/report (open index.html), or None with html=False."""
    num_runs: int
    num_instances: int
    warnings: tuple[str, ...] = ()
    helm_versions: dict[str, int] = field(default_factory=dict)
    """Runs per behaviour profile that produced them (`--helm-version`; "unknown" where not recorded)."""


def plan(
    descriptions: str | RunSpec | RunEntry | Sequence[str | RunSpec | RunEntry],
    *,
    model: str | None = None,
    max_eval_instances: int | None = None,
    num_train_trials: int | None = None,
    models_to_run: Sequence[str] | None = None,
    groups_to_run: Sequence[str] | None = None,
    priority: int | None = None,
    output_path: str | Path = "benchmarking_output",
    local_path: str | Path = "prod_env",
    data_mirror: str | Path | None = None,
    plugins: Sequence[str] = (),
    helm_version: str | None = None,
    on_error: Callable[[str], None] | None = None,
) -> list[RunSpec]:
    """The RunSpecs that `run` would run, expanded, filtered and with the overrides applied; nothing runs
    (`helm-run --list-runs`).

    A description is a string (as `helm-run --run-specs`), a RunSpec built in Python, or a conf file's
    `RunEntry` (its priority is compared with `priority`; its groups are added to the runs). A description that
    cannot be expanded raises `HolisticError`, or with `on_error` is reported to it (as
    `<error> [in '<description>']`) and skipped, so that every mistake of a long conf shows at once.
    """
    from holistic.helm_version import helm_version as profile
    from holistic.specs import RunSpec
    from holistic.specs.conf import RunEntry

    if isinstance(descriptions, (str, RunSpec, RunEntry)):
        descriptions = [descriptions]
    with profile(helm_version) if helm_version else nullcontext():
        _prepare(plugins, local_path)
        return _expand(
            descriptions,
            model=model,
            max_eval_instances=max_eval_instances,
            num_train_trials=num_train_trials,
            models_to_run=models_to_run,
            groups_to_run=groups_to_run,
            priority=priority,
            output_path=output_path,
            data_mirror=data_mirror,
            on_error=on_error,
        )


def run(
    descriptions: str | RunSpec | RunEntry | Sequence[str | RunSpec | RunEntry],
    *,
    suite: str,
    model: str | None = None,
    max_eval_instances: int | None = None,
    num_train_trials: int | None = None,
    output_path: str | Path = "benchmarking_output",
    local_path: str | Path = "prod_env",
    models_to_run: Sequence[str] | None = None,
    groups_to_run: Sequence[str] | None = None,
    priority: int | None = None,
    num_threads: int = 4,
    dry_run: bool = False,
    skip_completed_runs: bool = False,
    exit_on_error: bool = False,
    data_mirror: str | Path | None = None,
    plugins: Sequence[str] = (),
    helm_version: str | None = None,
    output_layout: str | None = None,
    skip_run_specs_json: bool = False,
    runner: str = "local",
    ray_address: str | None = None,
    indent_json: bool = False,
) -> SuiteResult:
    """Evaluate RunSpec descriptions (as `helm-run --run-specs`) and return what each run produced.

    `model`, when given, is added as `model=<model>` to every description (which must not name one).
    Every description is expanded before anything runs, so a mistake raises `HolisticError` at once.
    A RunSpec object (built in Python) runs as it is; `model` fills in its adapter's model when it has none.
    `helm_version` selects the behaviour profile for this call ("0.1", the default, or "0.5"; None keeps the
    current one), and `output_layout` the run-directory layout ("2022" or "helm-0.5"; None: the profile's).
    `runner="ray"` keeps several runs in flight and answers local models on a Ray cluster (docs/scaling.md).
    `indent_json=True` writes the large run files indented as HELM does (default: compact, the same JSON).
    """
    from holistic.helm_version import current
    from holistic.helm_version import helm_version as profile
    from holistic.runner.runner import Runner, RunnerOptions

    if suite == "latest":
        raise DescriptionError("the suite cannot be named 'latest' (runs/latest points at the last suite)")
    if output_layout is not None and output_layout not in OUTPUT_LAYOUTS:
        raise DescriptionError(
            f"unknown output layout '{output_layout}' (one of {', '.join(OUTPUT_LAYOUTS)})"
        )
    check_runner(runner, ray_address)
    with profile(helm_version) if helm_version else nullcontext():
        run_specs = plan(
            descriptions,
            model=model,
            max_eval_instances=max_eval_instances,
            num_train_trials=num_train_trials,
            models_to_run=models_to_run,
            groups_to_run=groups_to_run,
            priority=priority,
            output_path=output_path,
            local_path=local_path,
            data_mirror=data_mirror,
            plugins=plugins,
        )
        options = RunnerOptions(
            suite=suite,
            output_path=str(output_path),
            local_path=str(local_path),
            num_threads=num_threads,
            dry_run=dry_run,
            skip_completed_runs=skip_completed_runs,
            exit_on_error=exit_on_error,
            data_mirror=None if data_mirror is None else str(data_mirror),
            skip_run_specs_json=skip_run_specs_json,
            # The one link between the behaviour profile and the layout: HELM 0.5's profile writes 0.5's files.
            output_layout=output_layout or ("helm-0.5" if current().version == "0.5" else "2022"),
            indent_json=indent_json,
        )
        if not run_specs:
            outcomes = []
        elif runner == "ray":
            from holistic.runner.ray_runner import RayRunner

            outcomes = RayRunner(options, ray_address).run_all(run_specs)
        else:
            outcomes = Runner(options).run_all(run_specs)
    results = tuple(
        RunResult(
            name=o.run_spec.name,
            status=o.status,  # type: ignore[arg-type]
            directory=o.directory,
            run_spec=o.run_spec,
            error=(o.message or None) if o.status == "failed" else None,
            seconds=o.seconds,
            bug=o.crashed,
        )
        for o in outcomes
    )
    return SuiteResult(suite, Path(output_path, "runs", suite), results)


RUNNERS = ("local", "ray")


def check_runner(runner: str, ray_address: str | None) -> None:
    """Raise `HolisticError` unless `runner` can run here (before anything is written)."""
    from holistic.errors import ConfigError

    if runner not in RUNNERS:
        raise DescriptionError(f"unknown runner '{runner}' (one of {', '.join(RUNNERS)})")
    if runner == "ray":
        from holistic.runner.ray_runner import RAY_MISSING, ray_available

        if not ray_available():
            raise ConfigError(RAY_MISSING)
    elif ray_address:
        raise DescriptionError("--ray-address needs --runner ray (or leave it out)")


def _prepare(plugins: Sequence[str], local_path: str | Path) -> None:
    """Plug-ins, then deployments: both name scenarios, models and clients that descriptions use."""
    from holistic.models.deployments import load_model_deployments
    from holistic.plugins import load_plugins

    load_plugins(list(plugins))
    load_model_deployments(str(local_path))


def _expand(
    descriptions: Sequence[str | RunSpec | RunEntry],
    *,
    model: str | None,
    max_eval_instances: int | None,
    num_train_trials: int | None,
    models_to_run: Sequence[str] | None,
    groups_to_run: Sequence[str] | None,
    priority: int | None,
    output_path: str | Path,
    data_mirror: str | Path | None,
    on_error: Callable[[str], None] | None,
) -> list[RunSpec]:
    from holistic.run_specs._data_context import run_spec_data
    from holistic.run_specs.construct import construct_run_specs
    from holistic.specs import RunSpec
    from holistic.specs.conf import RunEntry
    from holistic.specs.overrides import apply_overrides

    run_specs: list[RunSpec] = []
    for description in descriptions:
        groups: list[str] = []
        if isinstance(description, RunEntry):
            if priority is not None and description.priority > priority:
                continue
            description, groups = description.description, description.groups
        try:
            if isinstance(description, RunSpec):
                expanded = [_with_adapter_model(description, model)]
            else:
                # big_bench reads its task.json while its RunSpec is built: from this run's data.
                with run_spec_data(str(output_path), None if data_mirror is None else str(data_mirror)):
                    expanded = construct_run_specs(with_model(description, model) if model else description)
        except HolisticError as e:
            if on_error is None:
                raise
            on_error(f"{e} [in '{description if isinstance(description, str) else description.name}']")
            continue
        for run_spec in expanded:
            if models_to_run and run_spec.adapter_spec.model not in models_to_run:
                continue
            if groups_to_run and not set(groups_to_run) & set(run_spec.groups):
                continue
            run_specs.append(apply_overrides(run_spec, max_eval_instances, num_train_trials, groups))
    return run_specs


def _with_adapter_model(run_spec: RunSpec, model: str | None) -> RunSpec:
    from dataclasses import replace

    if run_spec.adapter_spec.model:
        if model and model != run_spec.adapter_spec.model:
            raise DescriptionError(
                f"RunSpec {run_spec.name} already names model {run_spec.adapter_spec.model}"
            )
        return run_spec
    if not model:
        raise DescriptionError(f"RunSpec {run_spec.name} names no model (give model=...)")
    return replace(run_spec, adapter_spec=replace(run_spec.adapter_spec, model=model))


def with_model(description: str, model: str) -> str:
    """`description` with `model=<model>` added."""
    if re.search(r"(^|[:,])model=", description):
        raise DescriptionError(
            f"'{description}' already names a model (leave out model= or the model argument)"
        )
    return f"{description},model={model}" if ":" in description else f"{description}:model={model}"


def read_stats(directory: str | Path) -> tuple[StatValue, ...]:
    """The stats of a complete run directory (holistic's or HELM's), as StatValues."""
    path = Path(directory, "stats.json")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    return tuple(_stat_value(record) for record in records)


def _stat_value(record: dict[str, Any]) -> StatValue:
    from holistic.jsonio import full_stat

    record = full_stat(record)  # per_instance_stats.json leaves out derivable fields unless --indent-json
    name = record["name"]
    perturbation = name.get("perturbation")
    return StatValue(
        name=name["name"],
        split=name.get("split"),
        sub_split=name.get("sub_split"),
        perturbation=perturbation.get("name") if perturbation else None,
        count=record["count"],
        mean=record.get("mean"),
        stddev=record.get("stddev"),
    )


def read_per_instance_stats(directory: str | Path) -> tuple[InstanceStats, ...]:
    """The per-instance stats of a complete run directory (holistic's, compact or not, or HELM's)."""
    from holistic.report.jsonfast import iter_array

    path = Path(directory, "per_instance_stats.json")
    if not path.is_file():
        return ()
    entries = []
    for entry in iter_array(path):
        perturbation = entry.get("perturbation")
        entries.append(
            InstanceStats(
                instance_id=entry["instance_id"],
                perturbation=perturbation.get("name") if perturbation else None,
                train_trial_index=entry.get("train_trial_index", 0),
                stats=tuple(_stat_value(record) for record in entry.get("stats", ())),
            )
        )
    return tuple(entries)


def summarize(
    suite: str,
    *,
    output_path: str | Path = "benchmarking_output",
    schema_path: str | Path | None = None,
    html: bool = True,
    display_json: bool = True,
    progress: bool | None = False,
    plugins: Sequence[str] = (),
    **options: Any,
) -> Summary:
    """Summarize a suite (as `helm-summarize`): leaderboard JSON files and, with html=True, the static report.

    Further keyword arguments are `helm-summarize`'s other options (the fields of its SummarizeOptions).
    """
    from holistic.plugins import load_plugins
    from holistic.report.summarizer import SummarizeOptions
    from holistic.report.summarizer import summarize as summarize_suite

    load_plugins(list(plugins))  # plug-ins may register models (display names in the report)
    result = summarize_suite(
        SummarizeOptions(
            suite=suite,
            output_path=str(output_path),
            schema_path=None if schema_path is None else str(schema_path),
            write_html=html,
            write_display_json=display_json,
            progress=progress,
            **options,
        )
    )
    return Summary(
        result.suite_dir,
        result.report_dir,
        result.num_runs,
        result.num_instances,
        tuple(result.warnings),
        dict(result.helm_versions),
    )


__all__ = [
    "OUTPUT_LAYOUTS",
    "HolisticError",
    "InstanceStats",
    "RunResult",
    "StatValue",
    "SuiteResult",
    "Summary",
    "RunEntry",
    "plan",
    "run",
    "summarize",
]


def __getattr__(name: str) -> Any:
    # The specs are imported when first used: helm-summarize, which goes through this module, needs none.
    if name == "RunSpec":
        from holistic.specs import RunSpec

        return RunSpec
    if name == "RunEntry":
        from holistic.specs.conf import RunEntry

        return RunEntry
    raise AttributeError(f"module 'holistic.api' has no attribute '{name}'")
