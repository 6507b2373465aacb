"""Leaderboard tables (§10.3): cells from matched stats, rows per adapter configuration, mean win rate."""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from holistic.report.runs import Agg, IndexedStats, RunInfo, StatKey, StatRow, index_stats
from holistic.report.schema import ALL_GROUPS, BY_GROUP, MetricMatcher, RunGroup, Schema

# Models whose APIs give no usable log probabilities: their calibration and ranking cells are hidden (HELM 0.2).
LOGPROBS_ISSUE_MODELS = {"anthropic/stanford-online-all-v4-s3"}
LOGPROBS_METRIC_GROUPS = {"calibration", "calibration_detailed"}
LOGPROBS_METRICS = {"RR@10", "NDCG@10", "RR@20", "NDCG@20"}

WORST = "worst"


@dataclass
class Cell:
    value: Any
    """Number, text, or None (empty)."""

    description: str | None = None
    """Tooltip: min/mean/max/sum (count) for metric cells."""

    href: str | None = None
    """Link (HELM's frontend query string)."""

    style: dict[str, str] | None = None
    """CSS, e.g. bold for the best value."""

    lower_is_better: bool | None = None
    """Header cells: direction of goodness."""

    run_names: list[str] = field(default_factory=list)
    """Runs aggregated in this cell (for the HTML report's links; not written to JSON)."""

    is_header: bool = False

    not_computed: bool = False
    """The runs lack this stat (a skipped metric): shown as "not computed" (JSON: value null)."""

    expected: bool = False
    """A run's metric specs promise this stat, so its column stays even when no run has a value."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value}
        if self.description:
            out["description"] = self.description
        if self.href:
            out["href"] = self.href
        if self.style:
            out["style"] = self.style
        if self.is_header and self.lower_is_better is not None:
            out["lower_is_better"] = self.lower_is_better
        out["markdown"] = False
        return out


@dataclass
class Table:
    title: str
    header: list[Cell]
    rows: list[list[Cell]]
    name: str = ""
    description: str | None = None
    links: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "header": [c.to_json() for c in self.header],
            "rows": [[c.to_json() for c in row] for row in self.rows],
            "links": self.links,
        }
        if self.name:
            out["name"] = self.name
        if self.description:
            out["description"] = self.description
        return out


def runs_href(run_names: list[str]) -> str:
    return _runs_href(tuple(run_names))


@functools.lru_cache(maxsize=4096)
def _runs_href(run_names: tuple[str, ...]) -> str:
    from urllib.parse import quote

    return "?runSpecs=" + quote(json.dumps(list(run_names)))


def match_stat(stats: dict[StatKey, Agg], matcher: MetricMatcher) -> Agg | None:
    """Merge the stats a matcher selects (sub-splits merged unless it names one); quasi_exact_match falls back to exact_match."""
    return match_indexed(index_stats(stats), matcher)


def match_indexed(by_name: IndexedStats, matcher: MetricMatcher) -> Agg | None:
    """`match_stat` on a run's `indexed_stats()`."""
    found = _match(by_name.get(matcher.name, ()), matcher)
    if found is None and matcher.name == "quasi_exact_match":
        found = _match(by_name.get("exact_match", ()), matcher)
    return found


def _match(rows: tuple[StatRow, ...], m: MetricMatcher) -> Agg | None:
    merged: Agg | None = None
    for row in rows:
        _, split, sub_split, p_name, computed_on = row[0]
        if split != m.split:
            continue
        if m.sub_split is not None and sub_split != m.sub_split:
            continue
        if p_name != m.perturbation_name:
            continue
        if p_name is not None and computed_on != WORST:
            continue
        agg = Agg(*row[1:])
        merged = agg if merged is None else merged.merge(agg)
    return merged


def model_display_name(schema: Schema, model: str) -> str:
    entry = schema.model(model)
    if entry is not None:
        return entry.display_name
    from holistic.models.registry import find_model

    metadata = find_model(model)
    return metadata.display_name if metadata is not None else model


def metric_header(schema: Schema, matcher: MetricMatcher, prefix: str = "") -> Cell:
    entry = schema.metric(matcher.name)
    text = entry.short if entry else matcher.name
    lower = entry.lower_is_better if entry else None
    if lower is not None:
        text += " ↓" if lower else " ↑"
    if matcher.perturbation_name:
        perturbation = schema.perturbation(matcher.perturbation_name)
        text += f" ({perturbation.short if perturbation else matcher.perturbation_name})"
    if prefix:
        text = f"{prefix} - {text}"
    description = entry.description if entry and entry.description else matcher.name
    if entry and entry.display_name:
        description = f"{entry.display_name}: {description}"
    return Cell(text, description=description, lower_is_better=lower, is_header=True)


NOT_COMPUTED = "not computed"


def _expected_stats(run: RunInfo) -> frozenset[str]:
    """The stats a run's metric specs promise (kept on the run: a table asks once per cell)."""
    return run.expected_stat_names()


def format_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if abs(value) >= 1000 and value == int(value):
            return f"{int(value):,}"
        return f"{value:.3f}"
    return str(value)


# Rows --------------------------------------------------------------------------------------------------

RowKey = tuple[tuple[str, str], ...]


def _canonical(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def coarse_value(run: RunInfo, key: str) -> str:
    value = run.adapter_spec.get(key)
    if key == "instructions" and isinstance(value, str):
        # Instructions that name the scenario's subject would make every subject its own row.
        if "mmlu" in str(run.scenario_spec.get("class_name", "")).lower():
            subject = str((run.scenario_spec.get("args") or {}).get("subject", ""))
            value = value.replace(subject.replace("_", " "), "___") if subject else value
        elif "raft" in str(run.scenario_spec.get("class_name", "")).lower():
            value = "<scenario specific>"
    return _canonical(value)


def varying_keys(runs: list[RunInfo]) -> dict[str, tuple[str, ...]]:
    """Per model: adapter fields that differ between its runs on the same scenario spec.

    HELM averages such runs into one row; holistic shows each configuration as its own row instead. The
    fields apply to all of the model's runs on the page, so its runs on other scenario specs line up.
    """
    clusters: dict[tuple[str, str], list[RunInfo]] = {}
    for run in runs:
        clusters.setdefault((run.scenario_key, run.model), []).append(run)
    out: dict[str, list[str]] = {}
    for (_, model), members in clusters.items():
        keys = out.setdefault(model, [])
        if len(members) < 2:
            continue
        # One pass over the members (a run's adapter spec may have to be read back from disk): per field in order
        # of first appearance, its first value, whether another was seen, and how many members have it (in the
        # others it counts as null).
        seen: dict[str, list[Any]] = {}
        for member in members:
            for k in member.adapter_spec:
                value = coarse_value(member, k)
                entry = seen.get(k)
                if entry is None:
                    seen[k] = [value, False, 1]
                else:
                    entry[2] += 1
                    if value != entry[0]:
                        entry[1] = True
        for k, (first, varied, count) in seen.items():
            if k == "model" or k in keys:
                continue
            if varied or (count < len(members) and first != _NULL):
                keys.append(k)
    return {model: tuple(keys) for model, keys in out.items()}


_NULL = _canonical(None)


class Rows:
    """Row keys and labels of one page: model plus the adapter fields the group shows or that vary."""

    def __init__(self, schema: Schema, group: RunGroup, runs: list[RunInfo]):
        self.schema = schema
        self.keys: dict[str, RowKey] = {}
        varying = varying_keys(runs)
        shown = [k for k in group.adapter_keys_shown if k != "model"]
        interned: dict[RowKey, RowKey] = {}  # runs of a row share one key (suites of thousands of runs)
        for run in runs:
            extra = shown + [k for k in varying[run.model] if k not in shown]
            key = (("model", run.model),) + tuple((k, coarse_value(run, k)) for k in extra)
            self.keys[run.name] = interned.setdefault(key, key)

    def key(self, run: RunInfo) -> RowKey:
        return self.keys[run.name]

    def ordered(self, keys: set[RowKey]) -> list[RowKey]:
        def order(key: RowKey) -> tuple:
            model = key[0][1]
            position = self.schema.model_order(model)
            return (position, model if position < 0 else "", key[1:])

        return sorted(keys, key=order)

    def label(self, key: RowKey) -> str:
        text = model_display_name(self.schema, key[0][1])
        if len(key) > 1:
            text += " [" + ", ".join(f"{k}: {_short(v)}" for k, v in key[1:]) + "]"
        return text


def _short(value: str, limit: int = 40) -> str:
    value = value.replace("\n", "\\n")
    return value if len(value) <= limit else value[: limit - 1] + "…"


# Table assembly ----------------------------------------------------------------------------------------


@dataclass
class Column:
    header: Cell
    matcher: MetricMatcher | None
    group: RunGroup
    metric_group: str


def build_table(
    title: str,
    name: str,
    columns: list[Column],
    rows: Rows,
    runs: list[RunInfo],
    subgroup_runs: dict[str, set[str]],
    with_win_rate: bool,
    description: str | None = None,
) -> Table | None:
    """Rows x columns of aggregated stats; columns with no value anywhere are dropped; None if nothing is left."""
    return build_tables(
        [TableSpec(title, name, columns, description)], rows, runs, subgroup_runs, with_win_rate
    )[0]


@dataclass
class TableSpec:
    title: str
    name: str
    columns: list[Column]
    description: str | None = None


def build_tables(
    specs: list[TableSpec],
    rows: Rows,
    runs: list[RunInfo],
    subgroup_runs: dict[str, set[str]],
    with_win_rate: bool,
) -> list[Table | None]:
    """`build_table` for several tables over the same runs, in one pass over each row's runs."""
    by_row: dict[RowKey, list[RunInfo]] = {}
    for run in runs:
        by_row.setdefault(rows.key(run), []).append(run)
    row_keys = rows.ordered(set(by_row))
    every_column = [column for spec in specs for column in spec.columns]
    full_grid = [_row_cells(by_row[key], every_column, subgroup_runs) for key in row_keys]
    run_names = [[r.name for r in by_row[key]] for key in row_keys]
    tables: list[Table | None] = []
    start = 0
    for spec in specs:
        end = start + len(spec.columns)
        grid = [row[start:end] for row in full_grid]
        tables.append(_finish_table(spec, grid, rows, row_keys, run_names, with_win_rate))
        start = end
    return tables


def _finish_table(
    spec: TableSpec,
    grid: list[list[Cell]],
    rows: Rows,
    row_keys: list[RowKey],
    run_names: list[list[str]],
    with_win_rate: bool,
) -> Table | None:
    columns = spec.columns
    keep = [
        j for j in range(len(columns)) if any(row[j].value is not None or row[j].expected for row in grid)
    ]
    if not keep:
        return None
    columns = [columns[j] for j in keep]
    grid = [[row[j] for j in keep] for row in grid]
    _bold_best(columns, grid)
    header = [
        Cell(
            "Model/adapter",
            description="Model, plus the adapter settings that distinguish rows",
            is_header=True,
        )
    ]
    header += [c.header for c in columns]
    table_rows = []
    for key, cells, names in zip(row_keys, grid, run_names):
        label = Cell(
            rows.label(key),
            description=f"{len(names)} run(s)",
            href=runs_href(names),
            run_names=names,
        )
        table_rows.append([label, *cells])
    if with_win_rate:
        _insert_win_rate(columns, header, table_rows, grid)
    return Table(
        title=spec.title, header=header, rows=table_rows, name=spec.name, description=spec.description
    )


def _row_cells(runs: list[RunInfo], columns: list[Column], subgroup_runs: dict[str, set[str]]) -> list[Cell]:
    """The metric cells of one row: each column merges the stats its matcher selects in the row's runs of the
    column's subgroup. One pass over the runs, so each run's stats are read (back) once per row."""
    width = len(columns)
    merged: list[Agg | None] = [None] * width
    names: list[list[str]] = [[] for _ in range(width)]
    first: list[RunInfo | None] = [None] * width
    expected = [False] * width
    members = [subgroup_runs[column.group.name] for column in columns]
    for run in runs:
        by_name = None
        for j, column in enumerate(columns):
            if run.name not in members[j]:
                continue
            if first[j] is None:
                first[j] = run
            if by_name is None:
                by_name = run.indexed_stats()
            matcher = column.matcher
            assert matcher is not None
            found = match_indexed(by_name, matcher)
            if found is None:
                if not expected[j] and matcher.name in _expected_stats(run):
                    expected[j] = True
                continue
            current = merged[j]
            merged[j] = found if current is None else current.merge(found)
            names[j].append(run.name)
    return [
        _metric_cell(merged[j], names[j], first[j], expected[j], column) for j, column in enumerate(columns)
    ]


def _metric_cell(
    merged: Agg | None, names: list[str], first: RunInfo | None, expected: bool, column: Column
) -> Cell:
    """A cell from its merged stat; `first` is the first of its runs (None: no run), `expected` whether a run
    without the stat promises it."""
    matcher = column.matcher
    assert matcher is not None
    if merged is None and first is not None:
        return Cell(None, description=NOT_COMPUTED, not_computed=True, expected=expected)
    if merged is None or merged.count == 0:
        # The metric ran but had nothing to measure (a bias stat without any group word): "-", column kept.
        return Cell(
            None, description="no value: nothing to measure" if first else None, expected=first is not None
        )
    if (
        first is not None
        and first.model in LOGPROBS_ISSUE_MODELS
        and (column.metric_group in LOGPROBS_METRIC_GROUPS or matcher.name in LOGPROBS_METRICS)
    ):
        return Cell(None, description="hidden: this model's API returns no usable log probabilities")
    return Cell(merged.mean, description=merged.describe(), href=runs_href(names), run_names=names)


def _bold_best(columns: list[Column], grid: list[list[Cell]]) -> None:
    for j, column in enumerate(columns):
        lower = column.header.lower_is_better
        values = [row[j].value for row in grid if isinstance(row[j].value, (int, float))]
        if lower is None or len(values) < 2 or all(_same(v, values[0]) for v in values):
            continue  # nothing to single out
        best = min(values) if lower else max(values)
        for row in grid:
            if isinstance(row[j].value, (int, float)) and _same(row[j].value, best):
                row[j].style = {"font-weight": "bold"}


def _same(a: float, b: float) -> bool:
    """Equal up to floating-point noise (0.1 + 0.2 is a tie with 0.3)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _insert_win_rate(
    columns: list[Column], header: list[Cell], rows: list[list[Cell]], grid: list[list[Cell]]
) -> None:
    """Mean win rate (HELM 0.2): per column, the fraction of other rows a row beats; ties count half."""
    rates: list[list[float]] = [[] for _ in grid]
    for j, column in enumerate(columns):
        lower = column.header.lower_is_better
        if lower is None:
            continue
        valid = [(i, row[j].value) for i, row in enumerate(grid) if isinstance(row[j].value, (int, float))]
        valid = [(i, v) for i, v in valid if v == v]  # drop NaN
        if len(valid) < 2:
            continue
        for i, value in valid:
            ties = sum(1 for _, other in valid if _same(other, value)) - 1
            beaten = sum(
                1
                for _, other in valid
                if not _same(other, value) and (other > value if lower else other < value)
            )
            rates[i].append((beaten + 0.5 * ties) / (len(valid) - 1))
    cells = []
    for row_rates in rates:
        if row_rates:
            mean = sum(row_rates) / len(row_rates)
            cells.append(Cell(mean, description=f"mean of {len(row_rates)} win rate(s)"))
        else:
            cells.append(Cell(None))
    values = [c.value for c in cells if c.value is not None]
    if len(values) >= 2 and not all(_same(v, values[0]) for v in values):
        for c in cells:
            if c.value == max(values):
                c.style = {"font-weight": "bold"}
    header.insert(
        1,
        Cell(
            "Mean win rate ↑",
            description="How many models this model outperforms on average (over the columns of this table)",
            lower_is_better=False,
            is_header=True,
        ),
    )
    for row, cell in zip(rows, cells):
        row.insert(1, cell)


def file_stem(name: str) -> str:
    """A group name as a file name: names from run files must not reach outside the output directory."""
    stem = re.sub(r"[^A-Za-z0-9_.=,:+-]", "_", name).lstrip(".")
    return stem or "_"


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "table"


def scenario_title(scenario_spec: dict[str, Any]) -> str:
    args = scenario_spec.get("args") or {}
    return ", ".join(f"{k}: {v}" for k, v in args.items()) or "default"


def metric_columns(
    schema: Schema, group: RunGroup, metric_group_names: list[str], prefix: str = ""
) -> list[Column]:
    columns = []
    for mg_name in metric_group_names:
        metric_group = schema.metric_group(mg_name)
        if metric_group is None:
            continue
        for matcher in metric_group.metrics:
            resolved = matcher.substitute(group.environment)
            if not resolved.resolved:
                continue
            columns.append(Column(metric_header(schema, resolved, prefix), resolved, group, mg_name))
    return columns


def is_displayed_leaf(group: RunGroup) -> bool:
    return not group.subgroups or group.subgroup_display_mode == BY_GROUP


def visible_child(group: RunGroup | None) -> bool:
    return group is not None and group.visibility == ALL_GROUPS
