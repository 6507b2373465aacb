"""Helpers for scenario tests: run helm-run on a data directory and compare with HELM's reference outputs."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

from holistic.cli.run import main as helm_run
from holistic.scenarios import Instance, create_scenario
from holistic.specs import ScenarioSpec


def load_instances(class_name: str, args: dict, output: Path, mirror: Path | None = None) -> list[Instance]:
    """Instances with ids, as the runner builds them; data goes to `<output>/scenarios/<name>`."""
    scenario = create_scenario(ScenarioSpec(class_name=class_name, args=args))
    scenario.output_path = str(output / "scenarios" / scenario.name)
    scenario.data_mirror = str(mirror) if mirror else None
    return [instance.with_id(f"id{i}") for i, instance in enumerate(scenario.get_instances())]


def run(
    tmp_path: Path,
    description: str,
    mirror: Path | None,
    max_eval_instances: int = 10,
    helm_version: str | None = None,
) -> Path:
    """Run one description with helm-run; returns the run directory (asserts exactly one run)."""
    output = tmp_path / "out"
    argv = ["--run-specs", description, "--suite", "test", "--max-eval-instances", str(max_eval_instances)]
    argv += ["--helm-version", helm_version] if helm_version else []
    argv += ["--output-path", str(output), "--local-path", str(tmp_path / "prod_env"), "--quiet"]
    if mirror is not None:
        argv += ["--data-mirror", str(mirror)]
    assert helm_run(argv) == 0
    runs = [p for p in (output / "runs" / "test").iterdir() if p.is_dir()]
    assert len(runs) == 1, runs
    return runs[0]


def request_states(run_dir: Path) -> list[dict]:
    return json.loads((run_dir / "scenario_state.json").read_text())["request_states"]


def stat_means(run_dir: Path) -> dict[str, float]:
    """`<name>|<split>|<perturbation>` -> mean, the key format of the reference files."""
    means = {}
    for stat in json.loads((run_dir / "stats.json").read_text()):
        name = stat["name"]
        key = f"{name['name']}|{name.get('split')}|{name.get('perturbation', {}).get('name', '')}"
        means[key] = stat.get("mean")
    return means


def assert_matches_reference(reference_path: Path, run_dir: Path) -> None:
    """Every request (instance id, split, prompt, output mapping, completions) and exact_match per split."""
    reference = json.loads(reference_path.read_text())
    mine = request_states(run_dir)
    assert len(mine) == len(reference["request_states"])
    for expected, state in zip(reference["request_states"], mine):
        instance = state["instance"]
        assert instance["id"] == expected["instance_id"]
        assert instance["split"] == expected["split"]
        assert instance["input"] == expected["input"]
        assert [r["output"] for r in instance["references"]] == [r["text"] for r in expected["references"]]
        assert [r["tags"] for r in instance["references"]] == [r["tags"] for r in expected["references"]]
        assert state["request"]["prompt"] == expected["prompt"], (
            f"prompt of {expected['instance_id']} differs"
        )
        assert state.get("output_mapping") == expected.get("output_mapping")
        assert state.get("reference_index") == expected.get("reference_index")
        assert [c["text"] for c in state["result"]["completions"]] == expected["completions"]
    means = stat_means(run_dir)
    exact_match_keys = [k for k in reference["stats"] if k.split("|")[0] == "exact_match"]
    assert exact_match_keys
    for key in exact_match_keys:
        assert means.get(key) == reference["stats"][key], key


# Nothing listens on the discard port, so a download from here fails at once, as it does offline.
UNREACHABLE = "http://127.0.0.1:9"


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """A real HTTP server for `directory` on a free local port; yields its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
