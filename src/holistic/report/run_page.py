"""The page of one run: what was asked (adapter spec), what came out (stats) and an instance browser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from holistic.report.display import DisplayResult
from holistic.report.html import e, page, run_slug, write_page
from holistic.report.jsonfast import dumps_bytes
from holistic.report.runs import RunInfo, helm_version_label
from holistic.report.schema import Schema
from holistic.report.tables import NOT_COMPUTED, file_stem, format_value, model_display_name

RAW_FILES = (
    "run_spec.json",
    "stats.json",
    "scenario_state.json",
    "per_instance_stats.json",
    "display_predictions.json",
)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _perturbation(name: dict[str, Any]) -> str:
    p = name.get("perturbation")
    if not p:
        return ""
    return f"{p.get('name', '?')} ({p.get('computed_on', 'perturbed')})"


def _number(value: Any) -> str:
    # Numbers format to digits, separators, signs and NaN: nothing to escape.
    if value is None or isinstance(value, (int, float)):
        return format_value(value)
    return e(format_value(value))


_NAME_CELLS: dict[tuple[Any, ...], str] = {}
"""A stat name's first cells, by schema and name: the runs of a suite share most of their stat names."""


def _stat_name_cells(schema: Schema, name: dict[str, Any]) -> str:
    key = (
        id(schema),
        name.get("name", ""),
        name.get("split", ""),
        name.get("sub_split", ""),
        _perturbation(name),
    )
    cells = _NAME_CELLS.get(key)
    if cells is None:
        metric = schema.metric(key[1])
        title = f"{metric.display_name}: {metric.description}" if metric else "not in the schema"
        cells = (
            "<tr>"
            f'<td title="{e(title)}">{e(key[1])}</td><td>{e(key[2])}</td><td>{e(key[3])}</td><td>{e(key[4])}</td>'
        )
        if len(_NAME_CELLS) >= 16384:
            _NAME_CELLS.clear()
        _NAME_CELLS[key] = cells
    return cells


def write_run_page(
    report_dir: Path,
    suite: str,
    schema: Schema,
    run: RunInfo,
    stats: list[dict[str, Any]],
    display: DisplayResult,
    main_metric: str | None,
    main_value: float | None = None,
) -> None:
    slug = run_slug(run.name)
    prefix = "../"
    raw = "../../" + quote(run.name)
    groups = []
    for name in run.groups:
        group = schema.run_group(name)
        groups.append(
            f'<a href="{prefix}groups/{e(quote(file_stem(name)))}.html">{e(group.display_name if group else name)}</a>'
        )
    args = run.scenario_spec.get("args") or {}
    meta = [
        ("Model", f"{e(model_display_name(schema, run.model))} <code>{e(run.model)}</code>"),
        (
            "Scenario",
            f"<code>{e(run.scenario_spec.get('class_name', ''))}</code> "
            + e(", ".join(f"{k}={v}" for k, v in args.items())),
        ),
        ("Groups", ", ".join(groups) or "none"),
        ("Behaviour", e(helm_version_label(run.helm_version))),
        *(
            [
                (
                    "Main metric",
                    f"{e(main_metric)} = <strong>{e(NOT_COMPUTED if main_value is None else format_value(main_value))}</strong>",
                )
            ]
            if main_metric
            else []
        ),
        (
            "Instances",
            f"{display.num_instances:,} ({display.num_request_states:,} requests, {display.num_trials} trial(s))",
        ),
        ("Files", " ".join(f'<a href="{raw}/{name}">{name}</a>' for name in RAW_FILES)),
    ]
    meta_html = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in meta)

    adapter_rows = []
    descriptions = {a.name: a.description for a in schema.adapter}
    for key, value in run.adapter_spec.items():
        adapter_rows.append(
            f'<tr><th title="{e(descriptions.get(key, ""))}">{e(key)}</th><td><pre>{e(_value(value))}</pre></td></tr>'
        )

    stat_rows = []
    for stat in stats:
        name = stat.get("name") or {}
        mean = stat.get("mean")
        count = stat.get("count", 0)
        stat_rows.append(
            _stat_name_cells(schema, name) + f'<td class=num data-value="{count}">{_number(count)}</td>'
            f'<td class=num data-value="{mean if isinstance(mean, (int, float)) else ""}">{_number(mean)}</td>'
            f"<td class=num>{_number(stat.get('min'))}</td><td class=num>{_number(stat.get('max'))}</td>"
            f"<td class=num>{_number(stat.get('stddev'))}</td>"
            "</tr>"
        )
    stats_head = "".join(
        f"<th tabindex=0>{h}</th>"
        for h in ("Name", "Split", "Sub-split", "Perturbation", "Count", "Mean", "Min", "Max", "Stddev")
    )

    if display.num_pages and display.index is not None:
        # JSON inside <script>: "<" escaped so no text can close the element.
        index_json = dumps_bytes(display.index, indent=False, floats=False).decode().replace("<", "\\u003c")
        browser = (
            f'<script type="application/json" id=run-index>{index_json}</script>'
            f'<div id=instances class=instances data-base="{e(quote(slug))}/" data-main="{e(main_metric or "")}">'
            "<div class=pager><button type=button class=prev>‹ Previous</button> <span class=page-label></span> "
            "<button type=button class=next>Next ›</button> <label>Go to instance id <input class=goto size=10></label> "
            "<label><input type=checkbox class=expand-all> expand all</label></div>"
            "<div class=instance-list aria-live=polite>Loading…</div></div>"
        )
    else:
        browser = "<p class=note>No instances to show (scenario_state.json missing or empty).</p>"

    body = (
        f"<h1>{e(run.name)}</h1><table class=meta>{meta_html}</table>"
        f"<h2>Instances</h2>{browser}"
        f"<h2>Adapter spec</h2><table class=kv>{''.join(adapter_rows)}</table>"
        f"<h2>Metrics</h2><p><input class=filter data-target=stats-table placeholder='filter metrics (e.g. exact_match test)' size=40></p>"
        f'<div class=scroll><table id=stats-table class="stats sortable"><thead><tr>{stats_head}</tr></thead>'
        f"<tbody>{''.join(stat_rows)}</tbody></table></div>"
    )
    write_page(report_dir / "runs" / f"{slug}.html", page(run.name, body, prefix, suite, active="runs"))
