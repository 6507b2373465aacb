"""Helpers for scenario tests: build a scenario's instances, and run helm-run on fixture data."""

from __future__ import annotations

import json
from pathlib import Path

from holistic.cli.run import main as helm_run
from holistic.scenarios import Instance, Scenario
from tests.scenarios.scenario_test_helpers import request_states  # noqa: F401 - re-exported for these tests


def instances_of(scenario: Scenario, scenario_dir: Path, mirror: Path | None = None) -> list[Instance]:
    """Instances with ids, as the runner builds them (`scenario_dir` is `<output>/scenarios/<name>`)."""
    scenario.output_path = str(scenario_dir)
    scenario.data_mirror = str(mirror) if mirror else None
    return [instance.with_id(f"id{i}") for i, instance in enumerate(scenario.get_instances())]


def run_description(
    tmp_path: Path,
    description: str,
    output: Path,
    mirror: Path | None = None,
    max_eval_instances: int | None = 5,
    dry_run: bool = False,
) -> Path:
    """Run one description with helm-run (`--dry-run`: prompts only); returns the run directory."""
    argv = ["--run-specs", description, "--suite", "test", "--output-path", str(output)]
    argv += ["--dry-run"] if dry_run else []
    argv += ["--local-path", str(tmp_path / "prod_env"), "--quiet", "--exit-on-error"]
    if max_eval_instances is not None:
        argv += ["--max-eval-instances", str(max_eval_instances)]
    if mirror is not None:
        argv += ["--data-mirror", str(mirror)]
    assert helm_run(argv) == 0
    runs = [p for p in (output / "runs" / "test").iterdir() if p.is_dir()]
    assert len(runs) == 1, runs
    return runs[0]


def stat_names(run_dir: Path) -> set[str]:
    return {stat["name"]["name"] for stat in json.loads((run_dir / "stats.json").read_text())}
