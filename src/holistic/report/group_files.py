"""Each group's files: per table its LaTeX and JSON, the group's JSON (every table) and, with the report, its page.

Groups share nothing they write, so with a core to spare a forked process writes some of them while this one
writes the others: both take the next group from one queue (`TaskPipe`), the likely largest first, so the two
finish close together whatever the groups' sizes (1,026 MMLU runs: the MMLU group's 58 tables take as long as
the four other groups together).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from holistic.report.groups import GroupIndex, iter_group_tables
from holistic.report.jsonfast import dumps_bytes, dumps_like_json
from holistic.report.latex import table_to_latex
from holistic.report.pipes import TaskPipe, can_fork, fork_worker, receive, send, stop_workers
from holistic.report.rewrite import finish_rewrite, open_for_rewrite, rewrite_bytes, rewrite_text
from holistic.report.schema import RunGroup, Schema
from holistic.report.tables import file_stem, is_displayed_leaf

SPLIT_MIN_RUNS = 32
"""Groups of smaller suites take a few milliseconds: forking would cost more than it saves."""


def write_group_files(
    groups_dir: Path,
    report_dir: Path | None,
    suite: str,
    schema: Schema,
    index: GroupIndex,
    parallel: bool,
) -> None:
    """Write every group's files (and pages under `report_dir`); with `parallel`, in two processes."""
    groups = sorted(index.groups_with_runs(), key=lambda g: _estimated_cost(index, g), reverse=True)
    for sub in ("latex", "json"):
        (groups_dir / sub).mkdir(parents=True, exist_ok=True)
    if report_dir is not None:
        (report_dir / "groups").mkdir(parents=True, exist_ok=True)

    def write(group: RunGroup) -> None:
        _write_group(groups_dir, report_dir, suite, schema, index, group)

    if not parallel or len(groups) < 2 or len(index.runs) < SPLIT_MIN_RUNS or not can_fork():
        for group in groups:
            write(group)
        return
    queue = TaskPipe(len(groups))

    def write_taken() -> None:
        while (taken := queue.take()) is not None:
            write(groups[taken])

    def in_worker(out: BinaryIO) -> None:
        write_taken()
        send(out, None)

    worker = fork_worker(in_worker)  # None: no process to spare, this one writes them all
    finished = False
    try:
        write_taken()
        if worker is not None:
            receive(worker[1], "the process writing group pages")
        finished = True
    finally:
        queue.close()
        if worker is not None:
            stop_workers([worker[1]], [worker[0]], kill=not finished)


def _estimated_cost(index: GroupIndex, group: RunGroup) -> int:
    """Tables times runs: a scenario group has a table per scenario setting besides its own, a group of
    groups one per metric group."""
    runs = index.runs_under(group.name)
    if is_displayed_leaf(group):
        tables = 1 + len({run.scenario_key for run in runs}) + len(group.sub_splits)
    else:
        tables = len({m for leaf in index.leaves(group) for m in leaf.metric_groups})
    return tables * len(runs)


def _write_group(
    groups_dir: Path, report_dir: Path | None, suite: str, schema: Schema, index: GroupIndex, group: RunGroup
) -> None:
    # Table by table: each is written (LaTeX, JSON, the group's JSON and page) and let go before the next.
    group_json = _JsonList(groups_dir / f"{file_stem(group.name)}.json")
    page = None
    if report_dir is not None:
        from holistic.report.pages import GroupPage

        page = GroupPage(report_dir, suite, schema, index, group)
    try:
        for table in iter_group_tables(index, group):
            stem = f"{file_stem(group.name)}_{table.name}"
            # Derived and rewritten by the next summarize: no temporary file, no fsync.
            rewrite_text(groups_dir / "latex" / f"{stem}.tex", table_to_latex(table, group.name))
            table.links = [
                {"text": "LaTeX", "href": f"groups/latex/{stem}.tex"},
                {"text": "JSON", "href": f"groups/json/{stem}.json"},
            ]
            as_json = table.to_json()
            rewrite_bytes(groups_dir / "json" / f"{stem}.json", dumps_bytes(as_json))
            group_json.add(as_json)
            if page is not None:
                page.add(table)
    finally:
        group_json.close()
    if page is not None:
        page.close()


class _JsonList:
    """`json.dumps(items, indent=2)` written item by item: json escapes newlines in strings, so indenting each
    item's text by two spaces gives the same bytes, and only one item (a table) is held encoded at a time."""

    def __init__(self, path: Path):
        self.file = open_for_rewrite(path)
        self.count = 0

    def add(self, item: Any) -> None:
        self.file.write(b",\n  " if self.count else b"[\n  ")
        self.file.write(dumps_like_json(item).replace(b"\n", b"\n  "))
        self.count += 1

    def close(self) -> None:
        self.file.write(b"\n]" if self.count else b"[]")
        finish_rewrite(self.file)
        self.file.close()
