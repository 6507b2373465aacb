"""Runs of a large suite kept on disk between reading them and building the suite's tables.

A run's table data (the kept parts of run_spec.json and its aggregated stats, 10-20 KB of Python objects) is
written to one temporary file as it is read; memory keeps a stub of a few hundred bytes per run (name, model,
groups, method, scenario key) and the last `CACHE_RUNS` runs loaded back. The tables, plots and overview walk
their runs in passes that load each run once (`build_table`, `varying_keys`, `group_plots`), so a suite of
thousands of runs needs about as much memory as one of a few hundred.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections import OrderedDict
from typing import Any

from holistic.report.runs import Agg, IndexedStats, RunInfo, StatKey

CACHE_RUNS = 128
"""Runs whose table data stays in memory after being loaded back (a table's rows rarely need more at once)."""


class RunStore:
    """An append-only temporary file of runs' table data, read back one run at a time (with small LRU caches).

    Each run is two records: its kept run_spec parts (what rows are keyed on) and its stats indexed by name
    (what cells are computed from), so a pass that needs one does not read and decode the other.
    """

    def __init__(self, directory: str | None = None):
        handle, path = tempfile.mkstemp(prefix="holistic-summarize-", suffix=".runs", dir=directory)
        self._fd = handle
        os.unlink(path)  # nothing is left behind, however the process ends
        self._size = 0
        self._shared: dict[Any, Any] = {}
        self._caches: tuple[OrderedDict[int, Any], OrderedDict[int, Any]] = (OrderedDict(), OrderedDict())
        self.loads = 0
        """Records read back from disk (for tests and profiles)."""

    def spill(self, info: RunInfo) -> SpilledRun:
        """Write `info`'s run_spec parts and stats to the file; returns the stub that stands for it."""
        spec = marshal.dumps(info.run_spec)
        stats = marshal.dumps(info.indexed_stats())
        offset = self._size
        data = memoryview(spec + stats)
        while data:  # a regular file takes it all at once; loop in case the OS writes less
            written = os.pwrite(self._fd, data, self._size)
            data = data[written:]
            self._size += written
        shared = self._shared
        return SpilledRun(
            self,
            (offset, len(spec), offset + len(spec), len(stats)),
            name=info.name,
            model=shared.setdefault(info.model, info.model),
            method=shared.setdefault(info.method, info.method),
            scenario_key=shared.setdefault(info.scenario_key, info.scenario_key),
            groups=shared.setdefault(info.groups, info.groups),
            num_instances=info.num_instances,
            helm_version=info.helm_version,
            expected_stats=info.expected_stat_names(),
        )

    def load(self, which: int, offset: int, size: int) -> Any:
        """Record `which` (0: run_spec parts, 1: indexed stats) of the run stored at `offset`."""
        cache = self._caches[which]
        found = cache.get(offset)
        if found is not None:
            cache.move_to_end(offset)
            return found
        found = cache[offset] = marshal.loads(os.pread(self._fd, size, offset))
        self.loads += 1
        if len(cache) > CACHE_RUNS:
            cache.popitem(last=False)
        return found

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        for cache in self._caches:
            cache.clear()


class SpilledRun(RunInfo):
    """A RunInfo whose run_spec and stats live in a RunStore: read back when a table asks for them."""

    def __init__(
        self,
        store: RunStore,
        where: tuple[int, int, int, int],
        *,
        name: str,
        model: str,
        method: str,
        scenario_key: str,
        groups: tuple[str, ...],
        num_instances: int,
        helm_version: str | None,
        expected_stats: frozenset[str],
    ):
        self._store = store
        self._where = where
        """(offset, size) of its run_spec record, then of its stats record."""
        self.name = name
        self._model = model
        self._method = method
        self._scenario_key = scenario_key
        self.groups = groups
        self.num_instances = num_instances
        self.helm_version = helm_version
        self.expected_stats = expected_stats

    @property  # type: ignore[override]
    def run_spec(self) -> dict[str, Any]:
        return self._store.load(0, self._where[0], self._where[1])

    def indexed_stats(self) -> IndexedStats:
        return self._store.load(1, self._where[2], self._where[3])

    @property  # type: ignore[override]
    def stats(self) -> dict[StatKey, Agg]:
        """A fresh dict of fresh aggregates (tables read `indexed_stats`, which costs no objects per stat)."""
        return {row[0]: Agg(*row[1:]) for rows in self.indexed_stats().values() for row in rows}

    @property
    def model(self) -> str:
        return self._model

    @property
    def method(self) -> str:
        return self._method

    @property
    def scenario_key(self) -> str:
        return self._scenario_key

    def __repr__(self) -> str:
        return f"SpilledRun({self.name!r})"
