"""Where run-spec functions that must read scenario data (big_bench reads its task.json) find it.

HELM reads `benchmark_output/scenarios/...` relative to the working directory while building such RunSpecs;
holistic uses the run's `--output-path` and `--data-mirror`, which helm-run sets here for the construction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from holistic.scenarios.download import data_mirror

_output_path = "benchmark_output"
_data_mirror: str | None = None


@contextlib.contextmanager
def run_spec_data(output_path: str, mirror: str | None) -> Iterator[None]:
    """Within the block, run-spec functions read data under `output_path` (or copy it from `mirror`)."""
    global _output_path, _data_mirror
    saved = _output_path, _data_mirror
    _output_path, _data_mirror = output_path, mirror
    try:
        yield
    finally:
        _output_path, _data_mirror = saved


def scenario_data_path(scenario_name: str) -> Path:
    return Path(_output_path, "scenarios", scenario_name)


def current_data_mirror() -> str | None:
    return data_mirror(_data_mirror)
