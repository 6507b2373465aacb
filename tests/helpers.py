"""The one helper module of the tests: builders, helm-run in and out of process, run-directory readers,
comparison with HELM's reference outputs, and a local HTTP server. (Fixtures, such as the shared-data skip,
are in tests/conftest.py.)"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from holistic.cli.run import main as helm_run
from holistic.scenarios import Scenario, create_scenario
from holistic.scenarios.base import CORRECT_TAG, Instance, Reference
from holistic.specs import ScenarioSpec


def instance(
    text: str, answer: str | None = None, split: str = "train", others: tuple[str, ...] = ()
) -> Instance:
    references = [Reference(answer, [CORRECT_TAG])] if answer is not None else []
    references += [Reference(o, []) for o in others]
    return Instance(input=text, references=references, split=split)


def run_cli(
    args: list[str], cwd: Path, env: dict | None = None, module: str = "holistic.cli.run"
) -> subprocess.CompletedProcess:
    """Run a console command in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


# A crash test's fault: SIGKILL the helm-run process once N requests are answered. It counts the executor's
# progress bar (advanced after each answer is cached; a no-op bar when stderr is not a terminal), so production
# code carries no test hook.
_KILL_AFTER_REQUESTS = """
import contextlib, os, signal, sys
from holistic.execution import executor
limit, answered, original = int(sys.argv.pop(1)), [0], executor._progress_bar
@contextlib.contextmanager
def counting_bar(total, description):
    with original(total, description) as bar:
        update = bar.update
        def counted(n=1):
            answered[0] += n
            if answered[0] >= limit:
                os.kill(os.getpid(), signal.SIGKILL)
            return update(n)
        bar.update = counted
        yield bar
executor._progress_bar = counting_bar
from holistic.cli.run import entry_point
entry_point()
"""


def run_cli_killed_after(requests: int, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """`helm-run args` in a subprocess that is killed with SIGKILL after `requests` answers."""
    return subprocess.run(
        [sys.executable, "-c", _KILL_AFTER_REQUESTS, str(requests), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def load(path: Path):
    return json.loads(Path(path).read_text())


def generation_state(
    completions: list[str] | list,
    input_text: str = "prompt",
    references: list[str] | None = None,
    split: str = "test",
    sub_split: str | None = None,
):
    """A request state of a generation run whose model answered with `completions` (texts or Sequences)."""
    from holistic.adaptation.request_state import RequestState
    from holistic.models.request import Request, RequestResult, Sequence

    sequences = [c if isinstance(c, Sequence) else Sequence(c, 0.0, []) for c in completions]
    refs = [Reference(r, [CORRECT_TAG]) for r in references or []]
    inst = Instance(input=input_text, references=refs, split=split, sub_split=sub_split, id="id0")
    result = RequestResult(True, [], sequences, False)
    return RequestState(inst, None, None, 0, None, Request(prompt=input_text), result, 0, False)


# ---- scenarios and runs in process -----------------------------------------------------------------------


def instances_of(scenario: Scenario, scenario_dir: Path, mirror: Path | None = None) -> list[Instance]:
    """Instances with ids, as the runner builds them (`scenario_dir` is `<output>/scenarios/<name>`)."""
    scenario.output_path = str(scenario_dir)
    scenario.data_mirror = str(mirror) if mirror else None
    return [instance.with_id(f"id{i}") for i, instance in enumerate(scenario.get_instances())]


def load_instances(class_name: str, args: dict, output: Path, mirror: Path | None = None) -> list[Instance]:
    """The instances of a scenario named by class; data goes to `<output>/scenarios/<name>`."""
    scenario = create_scenario(ScenarioSpec(class_name=class_name, args=args))
    return instances_of(scenario, output / "scenarios" / scenario.name, mirror)


def run_description(
    tmp_path: Path,
    description: str,
    output: Path,
    mirror: Path | None = None,
    max_eval_instances: int | None = 5,
    dry_run: bool = False,
    exit_on_error: bool = True,
    helm_version: str | None = None,
) -> Path:
    """Run one description with helm-run (`--dry-run`: prompts only); returns the run directory."""
    argv = ["--run-specs", description, "--suite", "test", "--output-path", str(output)]
    argv += ["--dry-run"] if dry_run else []
    argv += ["--helm-version", helm_version] if helm_version else []
    argv += ["--local-path", str(tmp_path / "prod_env"), "--quiet"]
    argv += ["--exit-on-error"] if exit_on_error else []
    if max_eval_instances is not None:
        argv += ["--max-eval-instances", str(max_eval_instances)]
    if mirror is not None:
        argv += ["--data-mirror", str(mirror)]
    assert helm_run(argv) == 0
    runs = [p for p in (output / "runs" / "test").iterdir() if p.is_dir()]
    assert len(runs) == 1, runs
    return runs[0]


def run(
    tmp_path: Path,
    description: str,
    mirror: Path | None,
    max_eval_instances: int = 10,
    helm_version: str | None = None,
) -> Path:
    """`run_description` into `<tmp_path>/out`, 10 eval instances, failures reported rather than raised."""
    return run_description(
        tmp_path,
        description,
        tmp_path / "out",
        mirror,
        max_eval_instances,
        exit_on_error=False,
        helm_version=helm_version,
    )


# ---- reading run directories -----------------------------------------------------------------------------


def request_states(run_dir: Path) -> list[dict]:
    return json.loads((run_dir / "scenario_state.json").read_text())["request_states"]


def stat_names(run_dir: Path) -> set[str]:
    return {stat["name"]["name"] for stat in json.loads((run_dir / "stats.json").read_text())}


def stat_means(run_dir: Path) -> dict[str, float]:
    """`<name>|<split>|<perturbation>` -> mean, the key format of the reference files."""
    means = {}
    for stat in json.loads((run_dir / "stats.json").read_text()):
        name = stat["name"]
        key = f"{name['name']}|{name.get('split')}|{name.get('perturbation', {}).get('name', '')}"
        means[key] = stat.get("mean")
    return means


def text_of(value: str | dict) -> str:
    """An input or reference output in either layout: the 2022 string or HELM 0.5's `{"text": ...}`."""
    return value["text"] if isinstance(value, dict) else value


def assert_matches_reference(reference_path: Path, run_dir: Path) -> None:
    """Every request (instance id, split, prompt, output mapping, completions) and exact_match per split."""
    reference = json.loads(reference_path.read_text())
    mine = request_states(run_dir)
    assert len(mine) == len(reference["request_states"])
    for expected, state in zip(reference["request_states"], mine):
        instance = state["instance"]
        assert instance["id"] == expected["instance_id"]
        assert instance["split"] == expected["split"]
        assert text_of(instance["input"]) == expected["input"]
        assert [text_of(r["output"]) for r in instance["references"]] == [
            r["text"] for r in expected["references"]
        ]
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
