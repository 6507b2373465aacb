"""Reading a suite: which directories are runs, and the few things of each run the tables need.

The summarizer keeps one `RunInfo` per run: its spec and only the stats the schema can show (a few dozen
numbers); everything else is streamed run by run. In large suites the spec and stats go to disk until the
tables need them (`spill.SpilledRun`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Directories in a suite that are not runs: HELM's metric cache, and what summarize writes.
NOT_RUNS = {"eval_cache", "groups", "report"}

StatKey = tuple[str, str | None, str | None, str | None, str | None]
"""(name, split, sub_split, perturbation name, perturbation computed_on)."""


@dataclass(slots=True)
class Agg:
    """count, sum, sum of squares, min and max of a stat; merges like HELM's Stat."""

    count: int = 0
    sum: float = 0.0
    sum_squared: float = 0.0
    min: float | None = None
    max: float | None = None

    @classmethod
    def from_stat(cls, stat: dict[str, Any]) -> Agg:
        return cls(
            int(stat.get("count", 0) or 0),
            _num(stat.get("sum", 0)),
            _num(stat.get("sum_squared", 0)),
            _opt(stat.get("min")),
            _opt(stat.get("max")),
        )

    def merge(self, other: Agg) -> Agg:
        if other.count == 0:
            return self
        self.count += other.count
        self.sum += other.sum
        self.sum_squared += other.sum_squared
        self.min = (
            other.min if self.min is None else (self.min if other.min is None else min(self.min, other.min))
        )
        self.max = (
            other.max if self.max is None else (self.max if other.max is None else max(self.max, other.max))
        )
        return self

    def copy(self) -> Agg:
        return Agg(self.count, self.sum, self.sum_squared, self.min, self.max)

    @property
    def mean(self) -> float | None:
        return self.sum / self.count if self.count else None

    def describe(self) -> str:
        if not self.count:
            return "no values"
        return (
            f"min={_f(self.min)}, mean={_f(self.mean)}, max={_f(self.max)}, sum={_f(self.sum)} ({self.count})"
        )


def _num(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _opt(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _f(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NaN"
    return f"{value:.3f}"


StatRow = tuple[StatKey, int, float, float, float | None, float | None]
"""A stat as plain values: (key, count, sum, sum_squared, min, max)."""

IndexedStats = dict[str, tuple[StatRow, ...]]


def index_stats(stats: dict[StatKey, Agg]) -> IndexedStats:
    by_name: dict[str, list[StatRow]] = {}
    for key, a in stats.items():
        by_name.setdefault(key[0], []).append((key, a.count, a.sum, a.sum_squared, a.min, a.max))
    return {name: tuple(rows) for name, rows in by_name.items()}


def stat_key(name: dict[str, Any]) -> StatKey:
    perturbation = name.get("perturbation") or None
    return (
        name.get("name", ""),
        name.get("split"),
        name.get("sub_split"),
        perturbation.get("name") if perturbation else None,
        perturbation.get("computed_on", "perturbed") if perturbation else None,
    )


@dataclass
class RunInfo:
    """What the tables need from one run."""

    name: str
    """Directory name (= RunSpec name)."""

    run_spec: dict[str, Any]
    """run_spec.json as read."""

    stats: dict[StatKey, Agg] = field(default_factory=dict)
    """Stats the schema can show (other names are dropped to keep memory flat)."""

    groups: tuple[str, ...] = ()
    """Run groups it is shown in (its RunSpec groups, or its scenario's name when it has none)."""

    num_instances: int = 0
    """Distinct instances evaluated (from scenario_state.json)."""

    helm_version: str | None = None
    """The --helm-version profile that wrote the run (holistic_run.json); None when not recorded."""

    expected_stats: frozenset[str] | None = None
    """Names of the stats its metric specs promise (None: derived from run_spec when asked)."""

    def expected_stat_names(self) -> frozenset[str]:
        if self.expected_stats is None:
            from holistic.report.expected_stats import expected_stat_names

            self.expected_stats = expected_stat_names(self.run_spec)
        return self.expected_stats

    _indexed: tuple[dict[StatKey, Agg], IndexedStats] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    """indexed_stats() of the stats dict it was computed from (recomputed when `stats` is replaced)."""

    def indexed_stats(self) -> IndexedStats:
        """Its stats by name, each as (key, count, sum, sum_squared, min, max): what tables match columns against."""
        cached = self._indexed
        if cached is None or cached[0] is not self.stats:
            cached = self._indexed = (self.stats, index_stats(self.stats))
        return cached[1]

    @property
    def adapter_spec(self) -> dict[str, Any]:
        return self.run_spec.get("adapter_spec") or {}

    @property
    def scenario_spec(self) -> dict[str, Any]:
        return self.run_spec.get("scenario_spec") or {}

    @property
    def model(self) -> str:
        return str(self.adapter_spec.get("model") or self.adapter_spec.get("model_deployment") or "unknown")

    @property
    def method(self) -> str:
        method = self.adapter_spec.get("method")
        return "" if method is None else str(method)

    @property
    def scenario_key(self) -> str:
        """Its scenario spec as canonical JSON: runs with equal keys share the scenario's tables."""
        return json.dumps(self.scenario_spec, sort_keys=True)

    @property
    def scenario_name(self) -> str:
        return self.name.split(":", 1)[0]


PROFILE_FILE = "holistic_run.json"


def recorded_helm_version(run_dir: Path) -> str | None:
    """The --helm-version a run was written with (holistic's own file; absent in HELM's run directories)."""
    try:
        value = json.loads((run_dir / PROFILE_FILE).read_text(encoding="utf-8")).get("helm_version")
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value is not None else None


def helm_version_label(version: str | None) -> str:
    return {"0.1": "HELM v0.1.0", "0.5": "HELM 0.5"}.get(version or "", "not recorded") + (
        f" (--helm-version {version})" if version else ""
    )


def list_run_dirs(suite_dir: Path, warn) -> Iterator[Path]:
    """Run directories of a suite, sorted; directories that are not (finished) runs are reported and skipped."""
    for child in sorted(suite_dir.iterdir(), key=lambda p: p.name):
        if not child.is_dir() or child.name in NOT_RUNS or child.name.startswith("."):
            continue
        if not (child / "run_spec.json").is_file():
            warn(f"skipping {child.name}: no run_spec.json (not a run directory)")
            continue
        if not (child / "stats.json").is_file():
            warn(
                f"skipping {child.name}: no stats.json (the run did not finish; rerun helm-run to complete it)"
            )
            continue
        yield child


def instance_text(value: Any) -> str:
    """Instance input / reference output: a string (HELM 0.1, holistic) or {"text": ...} (HELM 0.2+)."""
    if isinstance(value, dict):
        text = value.get("text")
        if text is None and "multimedia_content" in value:
            return "[multimedia content]"
        return "" if text is None else str(text)
    return "" if value is None else str(value)
