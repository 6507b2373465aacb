"""helm-summarize: read a suite's run directories (in parallel with num_threads) and write the leaderboard JSON and HTML report."""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holistic.errors import ConfigError
from holistic.report.display import ArrayWriter, DisplayResult, PagesInProgress, write_run_display
from holistic.report.expected_stats import expected_stat_names
from holistic.report.group_files import write_group_files
from holistic.report.groups import (
    GroupIndex,
    ad_hoc_group,
    groups_metadata,
    groups_overview,
    needed_stat_names,
)
from holistic.report.html import run_slug
from holistic.report.jsonfast import iter_array, loads
from holistic.report.read_pool import read_runs
from holistic.report.rewrite import rewrite_text
from holistic.report.run_page import write_run_page
from holistic.report.runs import Agg, RunInfo, list_run_dirs, recorded_helm_version, stat_key
from holistic.report.schema import MetricMatcher, Schema, load_schema
from holistic.report.tables import match_stat

RUN_SPEC_KEPT = ("name", "scenario_spec", "adapter_spec", "groups")
"""The parts of run_spec.json a run keeps in memory for the suite's tables (metric specs are summed up in
RunInfo.expected_stats)."""

COST_STATS = ("num_prompt_tokens", "num_completion_tokens", "num_completions", "num_requests")

SPILL_MIN_RUNS = 256
"""Suites of this many runs or more keep their runs' table data on disk (`spill.RunStore`) until the tables are
built; below, in memory (a few MB)."""


@dataclass
class SummarizeOptions:
    suite: str
    """Suite name (a directory under <output_path>/runs)."""

    output_path: str = "benchmarking_output"
    """Root holding runs/."""

    schema_path: str | None = None
    """Schema YAML; the packaged one when None."""

    write_html: bool = True
    """Write the static report under runs/<suite>/report/."""

    write_display_json: bool = True
    """Write instances.json, display_predictions.json and display_requests.json into each run."""

    num_threads: int = 1
    """Runs read and their display files and pages written at once (outputs are the same for any number)."""

    write_slim_per_instance_stats: bool = False
    """Write per_instance_stats_slim.json (each stat reduced to name and mean) into each run, as HELM v0.1.0."""

    progress: bool | None = None
    """Progress bar on stderr: True, False, or None for only when stderr is a terminal."""


@dataclass
class SummaryResult:
    suite_dir: Path
    report_dir: Path | None
    num_runs: int
    num_instances: int
    warnings: list[str] = field(default_factory=list)
    helm_versions: dict[str, int] = field(default_factory=dict)
    """Runs per --helm-version profile (`unknown`: not recorded)."""


def _indent(raw: bytes, spaces: int) -> bytes:
    return raw.strip().replace(b"\n", b"\n" + b" " * spaces)


def _group_names(schema: Schema, run: RunInfo) -> tuple[str, ...]:
    groups = [str(g) for g in run.run_spec.get("groups") or []]
    if not groups:
        # HELM shows group-less runs nowhere; holistic files them under their scenario's name.
        groups = [run.scenario_name]
    return tuple(dict.fromkeys(groups))


def _wanted_per_instance_stats(schema: Schema, groups: tuple[str, ...]) -> set[str] | None:
    """Per-instance stats worth showing: the metrics of the run's groups; all of them for unknown groups."""
    wanted: set[str] = set()
    for name in groups:
        group = schema.run_group(name)
        if group is None or not group.environment:
            return None
        for mg_name in group.metric_groups:
            metric_group = schema.metric_group(mg_name)
            for matcher in metric_group.metrics if metric_group else ():
                wanted.add(matcher.substitute(group.environment).name)
        if group.environment.get("main_name") == "quasi_exact_match":
            wanted.add("exact_match")
    return wanted


def _main_metric(schema: Schema, groups: tuple[str, ...]) -> str | None:
    for name in groups:
        group = schema.run_group(name)
        if group is not None and "main_name" in group.environment:
            return group.environment["main_name"]
    return None


class Summarizer:
    def __init__(self, options: SummarizeOptions, warn: Callable[[str], None] | None = None):
        self.options = options
        self.suite_dir = Path(options.output_path, "runs", options.suite)
        if not self.suite_dir.is_dir():
            raise ConfigError(
                f"suite directory {self.suite_dir} does not exist (run helm-run --suite {options.suite} first, "
                "or point --output-path at the directory holding runs/)"
            )
        self.schema = load_schema(options.schema_path)
        self.suite = self.suite_dir.resolve().name if options.suite == "latest" else options.suite
        self.report_dir = self.suite_dir / "report" if options.write_html else None
        self.warnings: list[str] = []
        self.helm_versions: dict[str, int] = {}
        self._shared: dict[Any, Any] = {}
        """Equal stat keys and expected-stat sets of different runs, stored once."""
        self._print_warning = warn or self._default_warn
        self.parallel_display = False
        """Set by read_runs while it reads runs one at a time with cores to spare."""
        self._pages_in_progress: tuple[str, PagesInProgress] | None = None
        """A split run's browser pages still being written by its forked half (at most one at a time)."""

    def _default_warn(self, message: str) -> None:
        line = f"warning: {message}"
        try:
            from tqdm import tqdm

            tqdm.write(line, file=sys.stderr)
        except ImportError:  # pragma: no cover
            print(line, file=sys.stderr)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self._print_warning(message)

    def run(self) -> SummaryResult:
        # Summarizing allocates millions of short-lived containers (parsed JSON, records) and makes no reference
        # cycles worth collecting: the cycle collector's passes over everything alive cost 5-10% of the time
        # (and in forked workers would touch every inherited object's header). Off for the call, then back.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if self._pages_in_progress is not None:  # an error came first: its pages no longer matter
                self._pages_in_progress[1].abandon()
                self._pages_in_progress = None
            if collecting:
                gc.enable()

    def _finish_pages(self) -> None:
        """Wait for the pages a forked half is writing; a failure there is a warning (the run's files are fine)."""
        if self._pages_in_progress is None:
            return
        name, pages = self._pages_in_progress
        self._pages_in_progress = None
        try:
            pages.finish()
        except (OSError, ValueError) as e:
            self.warn(f"{name}: its instance browser's pages could not be written ({str(e).splitlines()[0]})")

    def _run(self) -> SummaryResult:
        schema = self.schema
        needed = needed_stat_names(schema)
        run_dirs = list(list_run_dirs(self.suite_dir, self.warn))
        if not run_dirs:
            self.warn(f"suite {self.suite} has no finished runs in {self.suite_dir}; writing an empty report")
        started_ns = 0
        if self.report_dir is not None:
            (self.report_dir / "runs").mkdir(parents=True, exist_ok=True)
            started_ns = _file_system_now(self.report_dir / "runs")

        runs_json = ArrayWriter(self.suite_dir / "runs.json")
        run_specs_json = ArrayWriter(self.suite_dir / "run_specs.json")
        infos: list[RunInfo] = []
        unknown_metrics: dict[str, None] = {}
        costs: dict[str, dict[str, float]] = {}
        main_values: dict[str, tuple[str, float | None]] = {}
        progress = self._progress_bar(len(run_dirs))
        # Runs are read (and their files written) in parallel with --num-threads (worker processes for large
        # suites), merged in directory order, so every output is the same for any number of threads.
        reads = read_runs(self, run_dirs, needed, self.options.num_threads)
        shared = self._shared
        # Large suites keep each run's table data on disk until the tables are built (spill.py).
        store = None
        if len(run_dirs) >= SPILL_MIN_RUNS:
            from holistic.report.spill import RunStore

            store = RunStore(str(self.suite_dir))  # the suite's disk, not /tmp (often a RAM disk)
        try:
            for read in reads:
                progress.update()
                if read is None:
                    continue
                info = read.info
                # A worker process's keys are copies: share them again across runs.
                info.stats = {shared.setdefault(k, k): v for k, v in info.stats.items()}
                if info.expected_stats is not None:
                    info.expected_stats = shared.setdefault(info.expected_stats, info.expected_stats)
                runs_json.add_encoded(read.runs_entry)
                run_specs_json.add_encoded(read.run_spec_entry)
                model_costs = costs.setdefault(info.model, dict.fromkeys(COST_STATS, 0.0))
                for name, value in read.costs.items():
                    model_costs[name] += value
                unknown_metrics.update(dict.fromkeys(read.unknown_metrics))
                if read.main_value is not None:
                    main_values[info.name] = read.main_value
                infos.append(info if store is None else store.spill(info))
            runs_json.close()
            run_specs_json.close()
        except BaseException:
            runs_json.abort()
            run_specs_json.abort()
            if store is not None:
                store.close()
            raise
        finally:
            reads.close()
            progress.close()
        try:
            return self._write_report(schema, infos, unknown_metrics, costs, main_values, started_ns)
        finally:
            if store is not None:
                store.close()

    def _write_report(
        self,
        schema: Schema,
        infos: list[RunInfo],
        unknown_metrics: dict[str, None],
        costs: dict[str, dict[str, float]],
        main_values: dict[str, tuple[str, float | None]],
        started_ns: int,
    ) -> SummaryResult:
        """Everything after the runs are read: the suite's files and pages."""
        if unknown_metrics:
            names = list(unknown_metrics)
            shown = ", ".join(names[:10]) + (f", ... ({len(names)} in all)" if len(names) > 10 else "")
            self.warn(f"{len(names)} stat name(s) are not in the schema (shown on run pages only): {shown}")

        extra_groups = []
        by_missing: dict[str, list[RunInfo]] = {}
        for info in infos:
            for name in info.groups:
                if schema.run_group(name) is None:
                    by_missing.setdefault(name, []).append(info)
        for name, members in by_missing.items():
            group, guessed = ad_hoc_group(name, members)
            extra_groups.append(group)
            self.warn(
                f"group '{name}' ({len(members)} run(s)) is not in the schema; its main metric is guessed: {guessed}"
            )
        if extra_groups:
            schema = schema.with_run_groups(extra_groups)
        self.helm_versions = _count_versions(infos)
        if len([v for v in self.helm_versions if v != "unknown"]) > 1:
            counts = ", ".join(f"{n} with --helm-version {v}" for v, n in self.helm_versions.items())
            self.warn(f"the suite mixes behaviour profiles ({counts}): their numbers are not comparable")
        index = GroupIndex(schema, infos)
        self._write_suite_files(schema, index, costs, main_values)
        if self.report_dir is not None:
            _remove_stale(self.report_dir / "runs", started_ns)
        return SummaryResult(
            suite_dir=self.suite_dir,
            report_dir=self.report_dir,
            num_runs=len(infos),
            num_instances=sum(i.num_instances for i in infos),
            warnings=self.warnings,
            helm_versions=self.helm_versions,
        )

    def _progress_bar(self, total: int) -> Any:
        """tqdm's bar, or a stand-in when there is none to show (importing tqdm and making a disabled bar, which
        still creates a multiprocessing lock, cost 10-15 ms of a summarize that takes a few hundred)."""
        shown = self.options.progress
        if shown is None:
            isatty = getattr(sys.stderr, "isatty", None)
            shown = isatty() if isatty is not None else True  # tqdm's own rule for disable=None
        if not shown:
            return _NoProgress()
        from holistic.progress import progress_bar

        return progress_bar(total=total, desc="summarize", unit="run", file=sys.stderr)

    def _read_run(self, run_dir: Path, needed) -> _RunRead | None:
        """Read one run and write its display files and page; touches no state shared between runs."""
        schema = self.schema
        try:
            spec_raw = (run_dir / "run_spec.json").read_bytes()
            stats_raw = (run_dir / "stats.json").read_bytes()
            run_spec = loads(spec_raw)
            stats: list[dict[str, Any]] = loads(stats_raw)
            if not isinstance(run_spec, dict) or not isinstance(stats, list):
                raise ValueError("unexpected JSON layout")
        except (OSError, ValueError) as e:
            self.warn(
                f"skipping {run_dir.name}: cannot read run_spec.json/stats.json ({str(e).splitlines()[0]})"
            )
            return None
        run_path = json.dumps(str(run_dir)).encode()
        runs_entry = (
            b'{\n    "run_path": '
            + run_path
            + b',\n    "run_spec": '
            + _indent(spec_raw, 4)
            + b',\n    "stats": '
            + _indent(stats_raw, 4)
            + b"\n  }"
        )

        info = RunInfo(name=run_dir.name, run_spec=run_spec, helm_version=recorded_helm_version(run_dir))
        model_costs = dict.fromkeys(COST_STATS, 0.0)
        unknown_metrics: dict[str, None] = {}
        main_values: dict[str, tuple[str, float | None]] = {}
        found_costs: set[str] = set()
        shared = self._shared
        for stat in stats:
            name = stat.get("name") or {}
            key = stat_key(name)
            key = shared.setdefault(key, key)  # one tuple per distinct key in the whole suite
            if schema.metric(key[0]) is None:
                unknown_metrics.setdefault(key[0], None)
            if key[0] in COST_STATS and key[1] is None and key[3] is None:
                model_costs[key[0]] += float(stat.get("sum") or 0)
                found_costs.add(key[0])
            if key[0] in needed:
                agg = Agg.from_stat(stat)
                if key in info.stats:
                    info.stats[key].merge(agg)
                else:
                    info.stats[key] = agg
        info.groups = _group_names(schema, info)

        pages_dir = self.report_dir / "runs" / run_slug(info.name) if self.report_dir is not None else None
        if self.parallel_display:
            self._finish_pages()  # one forked half at a time
        try:
            display = write_run_display(
                run_dir,
                _wanted_per_instance_stats(schema, info.groups),
                pages_dir,
                self.warn,
                write_json=self.options.write_display_json,
                parallel=self.parallel_display,
            )
        except (OSError, ValueError) as e:
            self.warn(
                f"{run_dir.name}: cannot read its instances ({str(e).splitlines()[0]}); showing its stats only"
            )
            display = DisplayResult()
        if display.pages_in_progress is not None:
            self._pages_in_progress = (run_dir.name, display.pages_in_progress)
        info.num_instances = display.num_instances
        # HELM v0.1.0's helm-summarize wrote the slim copy, HELM 0.5's does not: runs recorded with the 0.5
        # profile get none.
        if self.options.write_slim_per_instance_stats and info.helm_version != "0.5":
            _write_slim_per_instance_stats(run_dir, self.warn)
        for name in ("num_prompt_tokens", "num_completion_tokens"):
            if name not in found_costs:
                model_costs[name] += display.costs.get(name, 0.0)

        main = _main_metric(schema, info.groups)
        if main is not None:
            group = next(
                g
                for g in (schema.run_group(n) for n in info.groups)
                if g is not None and "main_name" in g.environment
            )
            found = match_stat(info.stats, MetricMatcher(main, group.environment.get("main_split", "test")))
            main_values[info.name] = (main, found.mean if found else None)
        if self.report_dir is not None:
            write_run_page(
                self.report_dir,
                self.suite,
                schema,
                info,
                stats,
                display,
                main,
                main_values.get(info.name, ("", None))[1],
            )
        # Kept for the suite's tables until the end: only what they read, shared between runs where equal.
        expected = expected_stat_names(run_spec)
        info.expected_stats = shared.setdefault(expected, expected)
        info.run_spec = {k: run_spec[k] for k in RUN_SPEC_KEPT if k in run_spec}
        return _RunRead(
            info,
            runs_entry,
            _indent(spec_raw, 2),
            model_costs,
            list(unknown_metrics),
            main_values.get(info.name),
        )

    def _write_suite_files(self, schema: Schema, index: GroupIndex, costs, main_values) -> None:
        suite_dir = self.suite_dir
        date = time.strftime("%Y-%m-%d")  # the local date, as datetime.date.today() (not imported: 2 ms)
        summary: dict[str, Any] = {"suite": self.suite, "date": date}
        if self.helm_versions:
            summary["helm_versions"] = self.helm_versions  # holistic's addition: runs per profile
        _write_text(suite_dir / "summary.json", json.dumps(summary, indent=2))
        costs_out = {}
        for model, values in costs.items():
            entry = {k: _int_if_whole(v) for k, v in values.items()}
            entry["total_tokens"] = _int_if_whole(
                values["num_prompt_tokens"] + values["num_completion_tokens"]
            )
            costs_out[model] = entry
        _write_text(suite_dir / "costs.json", json.dumps(costs_out, indent=2))
        overview = groups_overview(index)
        _write_text(suite_dir / "groups.json", json.dumps([t.to_json() for t in overview], indent=2))
        _write_text(suite_dir / "groups_metadata.json", json.dumps(groups_metadata(index), indent=2))

        html = self.report_dir is not None
        if html:
            from holistic.report import pages  # before forking: the group pages need it in both processes
            from holistic.report.html import copy_assets

            copy_assets(self.report_dir)
        write_group_files(
            suite_dir / "groups",
            self.report_dir,
            self.suite,
            schema,
            index,
            parallel=self.options.num_threads > 1 and (os.cpu_count() or 1) > 1,
        )
        # A split run's pages are written by now: before the index page (it lists the warnings) and before
        # stale files are told apart by their times.
        self._finish_pages()
        if html:
            pages.write_index_page(self.report_dir, self.suite, date, schema, index, overview, self.warnings)
            pages.write_runs_page(self.report_dir, self.suite, schema, index.runs, main_values)
            pages.write_models_page(self.report_dir, self.suite, schema, index.runs)


def _count_versions(infos: list[RunInfo]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for info in infos:
        key = info.helm_version or "unknown"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


class _NoProgress:
    def update(self) -> None:
        pass

    def close(self) -> None:
        pass


def _write_text(path: Path, text: str) -> None:
    # Every file here is derived and rewritten by the next summarize, so no temporary file and fsync.
    rewrite_text(path, text)


def _file_system_now(directory: Path) -> int:
    """The modification time a file written now in `directory` gets.

    Not time.time_ns(): file systems stamp files from a coarser clock (a few ms on Linux), so a file written
    just after time.time_ns() was read can carry an earlier time, and _remove_stale took it for stale.
    """
    path = directory / f".started-{os.getpid()}-{time.time_ns()}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        return os.fstat(fd).st_mtime_ns
    finally:
        os.close(fd)
        os.unlink(path)


def _remove_stale(directory: Path, started_ns: int) -> None:
    """Delete what an earlier summarize wrote for runs that are gone (files not rewritten since `started_ns`)."""
    for root, dirs, files in os.walk(directory, topdown=False):
        for name in files:
            path = os.path.join(root, name)
            if os.stat(path).st_mtime_ns < started_ns:
                os.unlink(path)
        for name in dirs:
            path = os.path.join(root, name)
            if not os.listdir(path):
                os.rmdir(path)


def _int_if_whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def summarize(options: SummarizeOptions, warn: Callable[[str], None] | None = None) -> SummaryResult:
    return Summarizer(options, warn).run()


@dataclass
class _RunRead:
    """What one run contributes to the suite files, merged in directory order."""

    info: RunInfo
    runs_entry: bytes
    run_spec_entry: bytes
    costs: dict[str, float]
    unknown_metrics: list[str]
    main_value: tuple[str, float | None] | None


def _write_slim_per_instance_stats(run_dir: Path, warn: Callable[[str], None]) -> None:
    """per_instance_stats_slim.json: HELM v0.1.0's copy of per_instance_stats.json with only names and means.

    Streamed element by element (json.dumps(slim, indent=2)'s bytes, through jsonio's faster encoder)."""
    from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]

    from holistic.jsonio import json_encoder

    target = run_dir / "per_instance_stats_slim.json"
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        encoder = json_encoder()
        names: dict[str, str] = {}
        with open(partial, "w", encoding="utf-8") as f:
            count = 0
            for entry in iter_array(run_dir / "per_instance_stats.json"):
                # json.dumps(indent=2)'s text of {"name": {"name": ...}, "mean": ...} at depth 3, built directly
                # (a run's slim copy has one per stat: hundreds of thousands).
                stats = []
                for stat in entry.get("stats", []):
                    name = names.get(stat["name"]["name"])
                    if name is None:
                        name = names[stat["name"]["name"]] = encode_basestring_ascii(stat["name"]["name"])
                    mean = f',\n        "mean": {encoder.encode(stat["mean"], 4)}' if "mean" in stat else ""
                    stats.append(
                        f'{{\n        "name": {{\n          "name": {name}\n        }}{mean}\n      }}'
                    )
                parts = [f"{encoder.key(k)}{encoder.encode(v, 2)}" for k, v in entry.items() if k != "stats"]
                parts.append(
                    '"stats": ' + ("[\n      " + ",\n      ".join(stats) + "\n    ]" if stats else "[]")
                )
                f.write(("[\n  " if count == 0 else ",\n  ") + "{\n    " + ",\n    ".join(parts) + "\n  }")
                count += 1
            f.write("\n]" if count else "[]")
        os.replace(partial, target)
    except (OSError, ValueError) as e:
        partial.unlink(missing_ok=True)
        warn(f"{run_dir.name}: no per_instance_stats_slim.json ({str(e).splitlines()[0]})")
