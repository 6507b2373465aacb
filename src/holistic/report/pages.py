"""Suite-level pages of the report: overview with plots, one page per group, the run list and the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from holistic.report.groups import GroupIndex
from holistic.report.html import (
    e,
    iter_table_html,
    page,
    page_frame,
    run_page_href,
    write_page,
    write_page_parts,
)
from holistic.report.rewrite import rewriting_text
from holistic.report.runs import Agg, RunInfo, helm_version_label
from holistic.report.schema import MetricMatcher, RunGroup, Schema
from holistic.report.svg import bar_chart, heatmap, scatter
from holistic.report.tables import (
    NOT_COMPUTED,
    Table,
    file_stem,
    format_value,
    is_displayed_leaf,
    match_indexed,
    model_display_name,
)

SPOOL_MEMORY = 4 << 20
"""Characters of a group page's tables kept in memory before they go to a temporary file."""


def main_matcher(group: RunGroup) -> MetricMatcher | None:
    environment = group.environment
    if "main_name" not in environment or "main_split" not in environment:
        return None
    return MetricMatcher(environment["main_name"], environment["main_split"])


def _mean_over(runs: list[RunInfo], matcher: MetricMatcher) -> float | None:
    return _means_over(runs, (matcher,))[0]


def _means_over(runs: list[RunInfo], matchers: tuple[MetricMatcher, ...]) -> list[float | None]:
    """The mean of each matcher's stats over the runs, in one pass (each run's stats read once)."""
    merged: list[Agg | None] = [None] * len(matchers)
    for run in runs:
        by_name = run.indexed_stats()
        for j, matcher in enumerate(matchers):
            found = match_indexed(by_name, matcher)
            if found is not None:
                current = merged[j]
                merged[j] = found if current is None else current.merge(found)
    return [m.mean if m else None for m in merged]


def _by_model(runs: list[RunInfo]) -> dict[str, list[RunInfo]]:
    out: dict[str, list[RunInfo]] = {}
    for run in runs:
        out.setdefault(run.model, []).append(run)
    return out


def _metric_label(schema: Schema, matcher: MetricMatcher) -> tuple[str, bool | None]:
    entry = schema.metric(matcher.name)
    return (entry.display_name or matcher.name if entry else matcher.name), (
        entry.lower_is_better if entry else None
    )


def group_plots(schema: Schema, index: GroupIndex, group: RunGroup, tables: list[Table]) -> str:
    """Main metric per model, and main metric against runtime and prompt length."""
    charts = []
    if is_displayed_leaf(group):
        matcher = main_matcher(group)
        if matcher is None:
            return ""
        label, lower = _metric_label(schema, matcher)
        models = _by_model(index.runs_under(group.name))
        bars, vs_time, vs_tokens = [], [], []
        for model, runs in models.items():
            name = model_display_name(schema, model)
            value, runtime, tokens = _means_over(
                runs,
                (
                    matcher,
                    MetricMatcher("inference_runtime", matcher.split),
                    MetricMatcher("num_prompt_tokens", matcher.split),
                ),
            )
            bars.append((name, value))
            vs_time.append((name, runtime, value))
            vs_tokens.append((name, tokens, value))
        if len(models) > 1:  # one bar or one point says nothing the table does not
            charts.append(bar_chart(bars, f"{label} by model", label, lower))
            charts.append(scatter(vs_time, f"{label} against runtime", "inference runtime (s)", label))
            charts.append(scatter(vs_tokens, f"{label} against prompt length", "prompt tokens", label))
    elif tables and len(tables[0].header) > 1 and tables[0].header[1].value.startswith("Mean win rate"):
        rates = [(row[0].value, row[1].value) for row in tables[0].rows]
        charts.append(bar_chart(rates, f"Mean win rate ({tables[0].title})", "mean win rate", False))
    charts = [c for c in charts if c]
    return f"<div class=charts>{''.join(charts)}</div>" if charts else ""


class GroupPage:
    """A group's page, written as its tables come: each table's HTML goes to a temporary file, and `close` writes
    the page (contents and plots first, which need only the tables' titles and the first table) around it."""

    def __init__(self, report_dir: Path, suite: str, schema: Schema, index: GroupIndex, group: RunGroup):
        self.report_dir, self.suite, self.schema, self.index, self.group = (
            report_dir,
            suite,
            schema,
            index,
            group,
        )
        import tempfile

        # In memory for most groups; a file in the report (not /tmp, often a RAM disk) for suites of thousands.
        self.spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by close()
            SPOOL_MEMORY, "w+", encoding="utf-8", dir=report_dir / "groups"
        )
        self.titles: list[tuple[str, str]] = []
        self.first: Table | None = None

    def add(self, table: Table) -> None:
        links = [(link["text"], "../../" + link["href"]) for link in table.links]
        self.spool.writelines(iter_table_html(table, "../", links, table_id=f"t-{table.name}"))
        self.titles.append((table.name, table.title))
        if self.first is None:
            self.first = table

    def close(self) -> None:
        group, prefix = self.group, "../"
        path = self.report_dir / "groups" / f"{file_stem(group.name)}.html"
        head, tail = page_frame(group.display_name, prefix, self.suite)
        try:
            with rewriting_text(path) as f:
                f.write(head)
                for part in _group_head(self.schema, self.index, group, self.titles, self.first):
                    f.write(part)
                self.spool.seek(0)
                while chunk := self.spool.read(1 << 20):
                    f.write(chunk)
                if not self.titles:
                    f.write("<p class=note>No stats of this group's metrics were found in its runs.</p>")
                f.write(tail)
        finally:
            self.spool.close()


def _group_head(
    schema: Schema, index: GroupIndex, group: RunGroup, titles: list[tuple[str, str]], first: Table | None
) -> Iterator[str]:
    """The page of a group down to its first table."""
    yield f"<h1>{e(group.display_name)}</h1>"
    yield f"<p class=lead>{e(group.description)}</p>"
    if group.ad_hoc:
        yield "<p class=note>This group is not in the schema: its main metric was guessed from the stats.</p>"
    if group.taxonomy:
        yield (
            "<table class=meta>"
            + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in group.taxonomy.items())
            + "</table>"
        )
    children = [schema.run_group(n) for n in group.subgroups]
    children = [c for c in children if c is not None and index.runs_under(c.name)]
    if children:
        yield (
            "<p>Subgroups: "
            + ", ".join(
                f'<a href="{e(quote(file_stem(c.name)))}.html">{e(c.display_name)}</a>' for c in children
            )
            + "</p>"
        )
    if titles:
        yield (
            "<nav class=toc>Tables: "
            + " · ".join(f'<a href="#t-{e(name)}">{e(title)}</a>' for name, title in titles)
            + "</nav>"
        )
    yield group_plots(schema, index, group, [first] if first is not None else [])


def write_index_page(
    report_dir: Path,
    suite: str,
    date: str,
    schema: Schema,
    index: GroupIndex,
    overview: list[Table],
    warnings: list[str],
) -> None:
    runs = index.runs
    models = sorted({r.model for r in runs}, key=lambda m: (schema.model_order(m), m))
    num_instances = sum(r.num_instances for r in runs)
    profiles = " + ".join(sorted({helm_version_label(r.helm_version) for r in runs}))
    parts = [
        f"<h1>Suite {e(suite)}</h1>",
        f"<p class=lead>{len(runs)} runs · {len(models)} models · {num_instances:,} instances · summarized {e(date)}</p>",
        *([f"<p>Behaviour: {e(profiles)}</p>"] if profiles else []),
    ]
    if warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in warnings[:50])
        more = f"<li>… and {len(warnings) - 50} more</li>" if len(warnings) > 50 else ""
        parts.append(
            f"<details class=warnings><summary>{len(warnings)} warning(s)</summary><ul>{items}{more}</ul></details>"
        )
    leaves = [
        g for g in schema.run_groups if index.direct.get(g.name) and main_matcher(g) and is_displayed_leaf(g)
    ]
    if leaves and models:
        values, lowers = [], []
        for model in models:
            row = []
            for group in leaves:
                model_runs = [r for r in index.runs_under(group.name) if r.model == model]
                matcher = main_matcher(group)
                assert matcher is not None
                row.append(_mean_over(model_runs, matcher) if model_runs else None)
            values.append(row)
        for group in leaves:
            matcher = main_matcher(group)
            assert matcher is not None
            lowers.append(_metric_label(schema, matcher)[1])
        columns = [f"{g.short} ({_metric_label(schema, main_matcher(g))[0]})" for g in leaves]  # type: ignore[arg-type]
        chart = heatmap(
            [model_display_name(schema, m) for m in models],
            columns,
            values,
            lowers,
            "Main metric by model and scenario",
        )
        parts.append(f"<h2>Accuracy across scenarios</h2><div class=charts>{chart}</div>")
    parts.append("<h2>Leaderboards</h2>")
    for table in overview:
        rows = []
        for row in table.rows:
            name = row[0].description or ""
            cells = [
                f'<td class=label><a href="groups/{e(quote(file_stem(name)))}.html">{e(row[0].value)}</a></td>',
                f"<td>{e(row[1].value)}</td>",
            ]
            cells += [f"<td>{e(row[2].value)}</td>"]
            cells += [
                f'<td class=num data-value="{c.value if c.value is not None else ""}">{e(NOT_COMPUTED if c.not_computed else format_value(c.value))}</td>'
                for c in row[3:]
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        head = "".join(f'<th title="{e(c.description)}" tabindex=0>{e(c.value)}</th>' for c in table.header)
        parts.append(
            f'<section class=table-block><h3>{e(table.title)}</h3><div class=scroll><table class="leaderboard sortable">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
        )
    if not overview:
        parts.append(
            "<p class=note>No run belongs to a group of the schema yet; see the <a href=runs.html>runs</a>.</p>"
        )
    parts.append(
        '<p class=raw>Raw data: <a href="../summary.json">summary.json</a> · <a href="../groups.json">groups.json</a> · '
        '<a href="../runs.json">runs.json</a> · <a href="../costs.json">costs.json</a> · <a href="../run_specs.json">run_specs.json</a></p>'
    )
    write_page(report_dir / "index.html", page(f"Suite {suite}", "".join(parts), "", suite, active="index"))


def write_runs_page(
    report_dir: Path,
    suite: str,
    schema: Schema,
    runs: list[RunInfo],
    main_values: dict[str, tuple[str, float | None]],
) -> None:
    head = "".join(
        f"<th tabindex=0>{h}</th>"
        for h in ("Run", "Model", "Groups", "Method", "# instances", "Main metric", "Value")
    )
    # Written row by row: one row per run of the suite.
    write_page_parts(
        report_dir / "runs.html",
        "Runs",
        _runs_body(suite, schema, runs, main_values, head),
        "",
        suite,
        active="runs",
    )


def _runs_body(
    suite: str,
    schema: Schema,
    runs: list[RunInfo],
    main_values: dict[str, tuple[str, float | None]],
    head: str,
) -> Iterator[str]:
    yield (
        f"<h1>Runs</h1><p class=lead>{len(runs)} runs in suite {e(suite)}.</p>"
        "<p><input class=filter data-target=runs-table placeholder='filter runs (words or a regular expression)' size=50> "
        "<span class=filter-note></span></p>"
        f'<div class=scroll><table id=runs-table class="runs sortable"><thead><tr>{head}</tr></thead><tbody>'
    )
    for run in runs:
        metric, value = main_values.get(run.name, ("", None))
        yield (
            f'<tr data-run="{e(run.name)}"><td class=label><a href="{e(run_page_href(run.name, ""))}">{e(run.name)}</a></td>'
            f"<td>{e(model_display_name(schema, run.model))}</td><td>{e(', '.join(run.groups))}</td>"
            f"<td>{e(run.method)}</td>"
            f'<td class=num data-value="{run.num_instances}">{run.num_instances:,}</td>'
            f"<td>{e(metric)}</td>"
            f'<td class=num data-value="{value if value is not None else ""}">{e(format_value(value))}</td></tr>'
        )
    yield "</tbody></table></div>"


def write_models_page(report_dir: Path, suite: str, schema: Schema, runs: list[RunInfo]) -> None:
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.model] = counts.get(run.model, 0) + 1
    rows = []
    names = sorted(counts, key=lambda m: (schema.model_order(m), m))
    for name in names:
        entry = schema.model(name)
        params = f"{entry.num_parameters:,}" if entry and entry.num_parameters else ""
        rows.append(
            f"<tr><td class=label>{e(model_display_name(schema, name))}</td><td><code>{e(name)}</code></td>"
            f"<td>{e(entry.creator_organization if entry else '')}</td><td>{e(entry.access if entry else '')}</td>"
            f'<td class=num data-value="{entry.num_parameters if entry and entry.num_parameters else ""}">{params}</td>'
            f"<td>{e(entry.release_date if entry else '')}</td><td class=num>{counts[name]}</td>"
            f"<td>{e(entry.description if entry else 'not in the schema')}</td></tr>"
        )
    head = "".join(
        f"<th tabindex=0>{h}</th>"
        for h in ("Model", "Name", "Creator", "Access", "# parameters", "Released", "# runs", "Description")
    )
    body = (
        f"<h1>Models</h1><p class=lead>The {len(names)} models evaluated in this suite.</p>"
        f'<div class=scroll><table class="models sortable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )
    write_page(report_dir / "models.html", page("Models", body, "", suite, active="models"))
