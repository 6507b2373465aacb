"""Which runs each group shows, the tables of each group page, and the groups overview (groups.json)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from holistic.report.runs import Agg, RunInfo
from holistic.report.schema import NO_GROUPS, RunGroup, Schema, substitute_text
from holistic.report.tables import (
    Cell,
    Column,
    Rows,
    Table,
    TableSpec,
    build_table,
    build_tables,
    is_displayed_leaf,
    metric_columns,
    scenario_title,
    slug,
    visible_child,
)

# Main metrics tried, in order, for a group the schema does not know.
GUESSED_MAIN_NAMES = (
    "quasi_exact_match", "exact_match", "f1_score", "rouge_2", "bits_per_byte", "exact_match_indicator",
    "math_equiv", "f1_set_match", "pass", "test_avg", "RR@10", "NDCG@10", "toxic_frac",
)  # fmt: skip
AD_HOC_METRIC_GROUPS = (
    "accuracy",
    "calibration",
    "robustness",
    "fairness",
    "efficiency",
    "general_information",
)
CATEGORY_ORDER = ("All scenarios", "Core scenarios", "Targeted evaluations", "Scenarios")


def needed_stat_names(schema: Schema) -> set[str]:
    """Stat names any table, cost or plot can use: the only stats kept in memory per run."""
    names = {"exact_match", "num_instances", "num_references", "num_prompt_tokens", "num_completion_tokens",
             "num_completions", "num_requests", "inference_runtime", "num_output_tokens", *GUESSED_MAIN_NAMES}  # fmt: skip
    environments = [g.environment for g in schema.run_groups if g.environment]
    for metric_group in schema.metric_groups:
        for matcher in metric_group.metrics:
            if "${" not in matcher.name:  # the same name in every environment
                if matcher.resolved or environments:
                    names.add(matcher.name)
                continue
            for environment in environments:
                names.add(substitute_text(matcher.name, environment))
    return names


def ad_hoc_group(name: str, runs: list[RunInfo]) -> tuple[RunGroup, str]:
    """A group for a name the schema lacks, with a main metric guessed from its runs' stats."""
    present: set[str] = set()
    splits: set[str | None] = set()
    for run in runs:
        for stat_name, rows in run.indexed_stats().items():
            present.add(stat_name)
            splits.update(row[0][1] for row in rows)
    main_name = next((n for n in GUESSED_MAIN_NAMES if n in present), "exact_match")
    main_split = "test" if "test" in splits or not splits else sorted(s for s in splits if s)[0]
    group = RunGroup(
        name=name,
        display_name=name,
        description="Not in the schema; main metric guessed from the runs' stats.",
        metric_groups=AD_HOC_METRIC_GROUPS,
        environment={"main_name": main_name, "main_split": main_split},
        ad_hoc=True,
    )
    return group, f"{main_name} on {main_split}"


class GroupIndex:
    """Runs by group, with parents collecting their subgroups' runs."""

    def __init__(self, schema: Schema, runs: list[RunInfo]):
        self.schema = schema
        self.runs = runs
        self.direct: dict[str, list[RunInfo]] = {}
        for run in runs:
            for group in run.groups:
                self.direct.setdefault(group, []).append(run)
        self._under: dict[str, list[RunInfo]] = {}
        self._last_rows: tuple[tuple[tuple[str, ...], tuple[str, ...]], Rows] | None = None

    def rows(self, group: RunGroup, runs: list[RunInfo]) -> Rows:
        """The row keys of a page; the last is kept, as nested groups (core_scenarios > knowledge > mmlu) often
        show the same runs with the same adapter fields, and keying thousands of runs reads each one back."""
        key = (tuple(r.name for r in runs), tuple(group.adapter_keys_shown))
        if self._last_rows is None or self._last_rows[0] != key:
            self._last_rows = (key, Rows(self.schema, group, runs))
        return self._last_rows[1]

    def runs_under(self, name: str, _seen: frozenset[str] = frozenset()) -> list[RunInfo]:
        if name in self._under:
            return self._under[name]
        found: dict[str, RunInfo] = {r.name: r for r in self.direct.get(name, [])}
        group = self.schema.run_group(name)
        if group is not None and name not in _seen:
            for child in group.subgroups:
                for run in self.runs_under(child, _seen | {name}):
                    found.setdefault(run.name, run)
        result = [r for r in self.runs if r.name in found]
        self._under[name] = result
        return result

    def groups_with_runs(self) -> list[RunGroup]:
        return [g for g in self.schema.run_groups if self.runs_under(g.name) and g.visibility != NO_GROUPS]

    def leaves(self, group: RunGroup, _seen: frozenset[str] = frozenset()) -> list[RunGroup]:
        """The scenario groups whose columns a by-metric page shows (subgroups expanded, visibility respected)."""
        out: list[RunGroup] = []
        for name in group.subgroups:
            child = self.schema.run_group(name)
            if not visible_child(child) or name in _seen or not self.runs_under(name):
                continue
            assert child is not None
            found = [child] if is_displayed_leaf(child) else self.leaves(child, _seen | {group.name})
            out += [g for g in found if g not in out]
        return out


def group_tables(index: GroupIndex, group: RunGroup) -> list[Table]:
    return list(iter_group_tables(index, group))


def iter_group_tables(index: GroupIndex, group: RunGroup) -> Iterator[Table]:
    """The tables of a group's page, one at a time (each can be written and let go before the next is built);
    names made unique in page order."""
    seen: dict[str, int] = {}
    for table in _group_tables(index, group):
        if table.name in seen:
            seen[table.name] += 1
            table.name = f"{table.name}_{seen[table.name]}"
        else:
            seen[table.name] = 0
        yield table


def _group_tables(index: GroupIndex, group: RunGroup) -> Iterator[Table]:
    schema = index.schema
    all_runs = index.runs_under(group.name)
    if not all_runs:
        return
    rows = index.rows(group, all_runs)
    if not is_displayed_leaf(group):
        yield from _by_metric_tables(index, group, rows)
        return
    sections = [group] + [g for g in (schema.run_group(n) for n in group.subgroups) if g is not None]
    for section in sections:
        runs = index.runs_under(section.name)
        if not runs:
            continue
        subgroup_runs = {section.name: {r.name for r in runs}}
        columns = metric_columns(schema, section, list(section.metric_groups))
        by_scenario: dict[str, list[RunInfo]] = {}
        for run in runs:
            by_scenario.setdefault(run.scenario_key, []).append(run)
        if len(by_scenario) > 1:
            name = "all" if section is group else slug(section.name)
            table = build_table(section.display_name, name, columns, rows, runs, subgroup_runs, False,
                                description=f"All {len(by_scenario)} scenario settings together")  # fmt: skip
            if table:
                yield table
        for scenario_runs in by_scenario.values():
            title = scenario_title(scenario_runs[0].scenario_spec)
            name = slug(title) if section is group else slug(f"{section.name}_{title}")
            table = build_table(
                f"{section.display_name} ({title})", name, columns, rows, scenario_runs, subgroup_runs, False
            )
            if table:
                yield table
        for sub_split in section.sub_splits:
            split_columns = []
            for column in columns:
                assert column.matcher is not None
                matcher = column.matcher.__class__(**{**column.matcher.__dict__, "sub_split": sub_split})
                split_columns.append(Column(column.header, matcher, column.group, column.metric_group))
            table = build_table(
                f"{section.display_name} (sub-split: {sub_split})",
                slug(f"{section.name}_{sub_split}"),
                split_columns,
                rows,
                runs,
                subgroup_runs,
                False,
            )
            if table:
                yield table


def _by_metric_tables(index: GroupIndex, group: RunGroup, rows: Rows) -> Iterator[Table]:
    schema = index.schema
    leaves = index.leaves(group)
    subgroup_runs = {leaf.name: {r.name for r in index.runs_under(leaf.name)} for leaf in leaves}
    metric_group_names: list[str] = []
    for leaf in leaves:
        metric_group_names += [m for m in leaf.metric_groups if m not in metric_group_names]
    all_runs = [r for r in index.runs_under(group.name) if any(r.name in s for s in subgroup_runs.values())]
    # Every metric group's table in one pass over the runs (each run's stats read once for the whole page).
    specs = []
    for mg_name in metric_group_names:
        metric_group = schema.metric_group(mg_name)
        if metric_group is None:
            continue
        columns: list[Column] = []
        for leaf in leaves:
            if mg_name in leaf.metric_groups:
                columns += metric_columns(schema, leaf, [mg_name], prefix=leaf.short)
        specs.append(TableSpec(metric_group.display_name, mg_name, columns, metric_group.description))
    for table in build_tables(specs, rows, all_runs, subgroup_runs, True):
        if table:
            yield table


def _run_value(run: RunInfo, name: str, total_over_splits: bool) -> float | None:
    per_split: dict[str | None, Agg] = {}
    for row in run.indexed_stats().get(name, ()):
        key = row[0]
        if key[3] is None and key[2] is None:
            per_split.setdefault(key[1], Agg()).merge(Agg(*row[1:]))
    if not per_split:
        return None
    if total_over_splits:
        return sum(a.mean or 0.0 for a in per_split.values())
    merged = Agg()
    for agg in per_split.values():
        merged.merge(agg)
    return merged.mean


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


OVERVIEW_STATS = (
    ("num_instances", True),
    ("num_references", False),
    ("num_prompt_tokens", False),
    ("num_completion_tokens", False),
)
"""The overview's per-run means: (stat name, summed over splits instead of merged)."""


def groups_overview(index: GroupIndex) -> list[Table]:
    """groups.json: one table per category, one row per group that has runs."""
    header = [
        Cell("Group", description="Scenario or group of scenarios", is_header=True),
        Cell("Description", is_header=True),
        Cell("Adaptation method", description="How instances were turned into requests", is_header=True),
        Cell("# instances", description="Mean number of evaluated instances per run", is_header=True),
        Cell("# references", description="Mean number of references per instance", is_header=True),
        Cell("# prompt tokens", description="Mean number of prompt tokens per request", is_header=True),
        Cell(
            "# completion tokens", description="Mean number of completion tokens per request", is_header=True
        ),
        Cell("# models", description="Models evaluated", is_header=True),
    ]
    by_category: dict[str, list[list[Cell]]] = {}
    per_run: dict[str, tuple[float | None, ...]] = {}
    for group in index.groups_with_runs():
        runs = index.runs_under(group.name)
        methods = sorted({r.method for r in runs} - {""})
        # Each run's values once for all the groups it is in (its stats may have to be read back from disk).
        columns: tuple[list[float | None], ...] = ([], [], [], [])
        for run in runs:
            found = per_run.get(run.name)
            if found is None:
                found = per_run[run.name] = tuple(_run_value(run, n, total) for n, total in OVERVIEW_STATS)
            for values, value in zip(columns, found):
                values.append(value)
        row = [
            Cell(group.display_name, href=f"?group={group.name}", description=group.name),
            Cell(group.description),
            Cell(", ".join(methods)),
            *(Cell(_mean(values)) for values in columns),
            Cell(len({r.model for r in runs})),
        ]
        by_category.setdefault(group.category, []).append(row)
    order = list(CATEGORY_ORDER) + sorted(set(by_category) - set(CATEGORY_ORDER))
    return [
        Table(title=c, header=header, rows=by_category[c], name=slug(c)) for c in order if c in by_category
    ]


def groups_metadata(index: GroupIndex) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group in index.groups_with_runs():
        entry: dict[str, Any] = {"display_name": group.display_name, "description": group.description}
        if group.taxonomy:
            entry["taxonomy"] = group.taxonomy
        out[group.name] = entry
    return out
