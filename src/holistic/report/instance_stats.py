"""A run's per_instance_stats.json as the display files need it: (instance id, perturbation, trial) -> {stat: mean},
token totals, and the stat names in first-seen order.

An instance's stats can be spread over several entries (one per metric family, anywhere in the file), so the
table is usable only once the whole file is read. For a large run on a machine with a spare core, display.py has
a forked partner read the second half of the file (`entries_between`, from `split_point`) while this process
reads the first; each sends the other its half, so both hold the whole table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from holistic.jsonio import full_stat
from holistic.report.jsonfast import BLOCK, iter_array, loads

COST_NAMES = ("num_prompt_tokens", "num_completion_tokens")

Key = tuple[str, str, int]
"""(instance id, perturbation key, train trial index)."""

SPLIT_MIN_BYTES = 1 << 20
"""Smaller files are read by one process: forking costs more than parsing them."""


def perturbation_key(perturbation: dict[str, Any] | None) -> str:
    return json.dumps(perturbation, sort_keys=True) if perturbation else ""


class PerInstanceStats:
    def __init__(self) -> None:
        self.table: dict[Key, dict[str, float]] = {}
        """The stats shown with each instance (every stat but predicted_index)."""
        self.predicted: dict[Key, float] = {}
        """predicted_index, where a multiple-choice method recorded one."""
        self.costs = dict.fromkeys(COST_NAMES, 0.0)
        self.names: dict[str, None] = {}

    @classmethod
    def read(cls, path: Path, wanted: set[str] | None) -> PerInstanceStats:
        out = cls()
        if path.is_file():
            out.add_entries(iter_array(path), path.name, wanted)
        return out

    def add_entries(self, entries: Iterator[dict[str, Any]], source: str, wanted: set[str] | None) -> None:
        table, predicted, costs, names = self.table, self.predicted, self.costs, self.names
        interesting = None if wanted is None else {*wanted, *costs, "predicted_index"}
        try:
            for entry in entries:
                perturbation = entry.get("perturbation")
                key = (
                    str(entry.get("instance_id")),
                    perturbation_key(perturbation) if perturbation else "",
                    int(entry.get("train_trial_index", 0)),
                )
                values = table.setdefault(key, {})
                for stat in entry.get("stats", ()):
                    name = stat["name"]["name"]
                    if interesting is not None and name not in interesting:
                        continue
                    if name in costs:
                        total = stat.get("sum")
                        if total is None:  # compact files leave out a float sum
                            total = full_stat(stat).get("sum")
                        if isinstance(total, (int, float)):
                            costs[name] += total
                        if wanted is not None and name not in wanted:
                            continue
                    if "mean" in stat:
                        if name == "predicted_index":
                            predicted[key] = stat["mean"]
                        else:
                            values[name] = stat["mean"]
                        names[name] = None
        except (AttributeError, KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{source}: malformed entry ({type(e).__name__}: {e})") from None

    def __getstate__(self) -> tuple[Any, ...]:
        # Sent between the two processes of a split run: each key's values as a run of one flat list, with the
        # stat names stored once per distinct name tuple (nearly every key has the same), 3x less to pickle.
        layouts: dict[tuple[str, ...], int] = {}
        layout_ids: list[int] = []
        flat: list[float] = []
        for values in self.table.values():
            layout_ids.append(layouts.setdefault(tuple(values), len(layouts)))
            flat.extend(values.values())
        return list(self.table), list(layouts), layout_ids, flat, self.predicted, self.costs, self.names

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        keys, layouts, layout_ids, flat, self.predicted, self.costs, self.names = state
        table: dict[Key, dict[str, float]] = {}
        at = 0
        for key, layout_id in zip(keys, layout_ids):
            names = layouts[layout_id]
            end = at + len(names)
            table[key] = dict(zip(names, flat[at:end]))
            at = end
        self.table = table

    def merge(self, later: PerInstanceStats) -> None:
        """Add what a read of the file's next part found (in file order: the same as one read of both parts)."""
        for key, values in later.table.items():
            present = self.table.get(key)
            if present is None:
                self.table[key] = values
            else:
                present.update(values)
        self.predicted.update(later.predicted)
        for name, total in later.costs.items():
            self.costs[name] += total
        self.names.update(later.names)


def split_point(path: Path) -> int | None:
    """Where the second half of a large compact file starts (the start of an entry's line), or None.

    Only holistic's compact layout (one entry a line) can be cut without parsing; indented files are read whole.
    """
    try:
        size = path.stat().st_size
        if size < SPLIT_MIN_BYTES:
            return None
        with open(path, "rb") as f:
            if f.read(3) != b"[\n{":
                return None
            f.seek(size // 2)
            chunk = f.read(1 << 20)
    except OSError:
        return None
    at = chunk.find(b"\n{")
    return None if at < 0 else size // 2 + at + 1


def entries_between(path: Path, start: int, end: int | None) -> Iterator[dict[str, Any]]:
    """The entries of a compact file whose lines start in [start, end) (`start` at a line's start)."""
    with open(path, "rb") as f:
        f.seek(start)
        left = -1 if end is None else end - start
        carry = b""
        while left:
            block = f.read(BLOCK if left < 0 else min(BLOCK, left))
            if not block:
                break
            left -= len(block) if left > 0 else 0
            lines = (carry + block).split(b"\n")
            carry = lines.pop()
            for line in lines:
                if line.startswith(b"{"):
                    yield loads(line.rstrip(b","))
    if carry.startswith(b"{"):
        yield loads(carry.rstrip(b","))
