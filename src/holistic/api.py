"""The public Python API: `holistic.run` and `holistic.summarize`, with typed results (docs/api.md).

The command-line tools and this API share the same steps (plug-ins, deployments, `construct_run_specs`, the
runner, the summarizer); here failures a user can cause raise `holistic.HolisticError` instead of printing
one line, and a run whose requests failed is a result with `status == "failed"`, not an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from holistic.errors import DescriptionError, HolisticError
from holistic.specs import RunSpec

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
class RunResult:
    """What became of one RunSpec."""

    name: str
    """The run name (also the directory name under runs/<suite>/)."""
    status: Status
    directory: Path | None
    run_spec: RunSpec
    stat_values: tuple[StatValue, ...] = ()
    """Every stat of stats.json (empty unless the run is done or was skipped as complete)."""
    error: str | None = None
    """Why the run failed (for example "2 of 40 requests failed: ...")."""
    seconds: float = 0.0

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


def run(
    descriptions: str | RunSpec | Sequence[str | RunSpec],
    *,
    suite: str,
    model: str | None = None,
    max_eval_instances: int | None = None,
    num_train_trials: int | None = None,
    output_path: str | Path = "benchmarking_output",
    local_path: str | Path = "prod_env",
    models_to_run: Sequence[str] | None = None,
    groups_to_run: Sequence[str] | None = None,
    num_threads: int = 4,
    dry_run: bool = False,
    skip_completed_runs: bool = False,
    exit_on_error: bool = False,
    data_mirror: str | Path | None = None,
    plugins: Sequence[str] = (),
    output_layout: str = "2022",
    skip_run_specs_json: bool = False,
    indent_json: bool = False,
) -> SuiteResult:
    """Evaluate RunSpec descriptions (as `helm-run --run-specs`) and return what each run produced.

    `model`, when given, is added as `model=<model>` to every description (which must not name one).
    Every description is expanded before anything runs, so a mistake raises `HolisticError` at once.
    A RunSpec object (built in Python) runs as it is; `model` fills in its adapter's model when it has none.
    """
    from holistic.models.deployments import load_model_deployments
    from holistic.plugins import load_plugins
    from holistic.run_specs.construct import construct_run_specs
    from holistic.runner.runner import Runner, RunnerOptions, apply_overrides

    if isinstance(descriptions, (str, RunSpec)):
        descriptions = [descriptions]
    if suite == "latest":
        raise DescriptionError("the suite cannot be named 'latest' (runs/latest points at the last suite)")
    if output_layout not in OUTPUT_LAYOUTS:
        raise DescriptionError(
            f"unknown output layout '{output_layout}' (one of {', '.join(OUTPUT_LAYOUTS)})"
        )
    load_plugins(list(plugins))
    # Deployments name models, so they must be known before descriptions are expanded.
    load_model_deployments(str(local_path))
    run_specs: list[RunSpec] = []
    for description in descriptions:
        if isinstance(description, RunSpec):
            expanded = [_with_adapter_model(description, model)]
        else:
            expanded = construct_run_specs(with_model(description, model) if model else description)
        for run_spec in expanded:
            if models_to_run and run_spec.adapter_spec.model not in models_to_run:
                continue
            if groups_to_run and not set(groups_to_run) & set(run_spec.groups):
                continue
            run_specs.append(apply_overrides(run_spec, max_eval_instances, num_train_trials))
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
        output_layout=output_layout,
        indent_json=indent_json,
    )
    outcomes = Runner(options).run_all(run_specs) if run_specs else []
    results = tuple(
        RunResult(
            name=o.run_spec.name,
            status=o.status,  # type: ignore[arg-type]
            directory=o.directory,
            run_spec=o.run_spec,
            stat_values=read_stats(o.directory) if o.status != "failed" and o.directory else (),
            error=(o.message or None) if o.status == "failed" else None,
            seconds=o.seconds,
        )
        for o in outcomes
    )
    return SuiteResult(suite, Path(output_path, "runs", suite), results)


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
    values = []
    for record in records:
        name = record["name"]
        perturbation = name.get("perturbation")
        values.append(
            StatValue(
                name=name["name"],
                split=name.get("split"),
                sub_split=name.get("sub_split"),
                perturbation=perturbation.get("name") if perturbation else None,
                count=record["count"],
                mean=record.get("mean"),
                stddev=record.get("stddev"),
            )
        )
    return tuple(values)


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
        result.suite_dir, result.report_dir, result.num_runs, result.num_instances, tuple(result.warnings)
    )


__all__ = [
    "OUTPUT_LAYOUTS",
    "HolisticError",
    "RunResult",
    "StatValue",
    "SuiteResult",
    "Summary",
    "run",
    "summarize",
]
