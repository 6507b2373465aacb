"""Plug-in loading: entry points of installed packages, --plugins, and failures that name the plug-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from holistic.errors import HolisticError
from tests.api.markdown import SRC

SCENARIO_PLUGIN = """
import holistic
from holistic import CORRECT_TAG, AdapterSpec, Instance, Reference, RunSpec, ScenarioSpec

MARKER = __import__("os").environ.get("PLUGIN_MARKER")
if MARKER:
    open(MARKER, "a").write("imported\\n")


@holistic.register_scenario
class EchoScenario(holistic.Scenario):
    name = "echo"
    description = "three instances whose answer is their input"
    tags = []

    def get_instances(self):
        return [Instance(w, [Reference(w, [CORRECT_TAG])], split="test") for w in ("a", "b", "c")]


@holistic.register_run_spec("echo_words")
def echo_run_spec() -> RunSpec:
    return RunSpec(
        name="echo_words",
        scenario_spec=ScenarioSpec(holistic.class_name_of(EchoScenario), {}),
        adapter_spec=AdapterSpec(method="generation", max_train_instances=0, num_outputs=1, max_tokens=1,
                                 temperature=0.0),
        metric_specs=holistic.get_basic_metric_specs(["exact_match"]),
        groups=[],
    )
"""


def _run(args: list[str], cwd: Path, extra_path: list[Path] = (), **env_extra: str):
    env = dict(os.environ, **env_extra)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, extra_path), str(SRC)])
    return subprocess.run(
        [sys.executable, "-m", "holistic.cli.run", *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def _installed_package(root: Path, name: str, module_text: str) -> Path:
    """A package installed as pip leaves one: the module and a .dist-info with its entry point."""
    site = root / "site"
    (site / f"{name}.py").parent.mkdir(parents=True, exist_ok=True)
    (site / f"{name}.py").write_text(module_text)
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[holistic]\n{name} = {name}\n")
    return site


def test_entry_point_plugins_load_only_when_needed(tmp_path: Path):
    marker = tmp_path / "marker"
    site = _installed_package(tmp_path, "echo_plugin", SCENARIO_PLUGIN)
    help_text = _run(["--help"], tmp_path, [site], PLUGIN_MARKER=str(marker))
    assert help_text.returncode == 0 and "--plugins" in help_text.stdout
    assert not marker.exists()  # --help imports no plug-in
    listed = _run(["--list-scenarios"], tmp_path, [site], PLUGIN_MARKER=str(marker))
    assert "echo_words" in listed.stdout.splitlines() and marker.read_text() == "imported\n"
    done = _run(["-r", "echo_words:model=simple/model1", "--suite", "s", "-q"], tmp_path, [site])
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "benchmarking_output/runs/s/echo_words:model=simple_model1/stats.json").is_file()


def test_a_broken_installed_plugin_is_reported_by_name(tmp_path: Path):
    site = _installed_package(tmp_path, "broken_plugin", "import not_installed_dependency\n")
    done = _run(["-r", "echo_words:model=simple/model1", "--suite", "s"], tmp_path, [site])
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "error: plug-in broken_plugin (entry point 'broken_plugin' of broken_plugin) failed to import: "
        "ModuleNotFoundError: No module named 'not_installed_dependency'"
    ]
    assert "unknown scenario" not in done.stderr


def test_a_broken_plugin_file_is_reported_by_name(tmp_path: Path):
    plugin = tmp_path / "my_plugin.py"
    plugin.write_text("raise RuntimeError('the plug-in is broken')\n")
    for args in (["-r", "x:model=simple/model1", "--suite", "s"], ["--list-scenarios"]):
        done = _run([*args, "--plugins", str(plugin)], tmp_path)
        assert done.returncode == 2
        assert done.stderr.strip() == (
            f"error: plug-in {plugin} (--plugins {plugin}) failed to import: RuntimeError: the plug-in is broken"
        )


def test_a_missing_plugin_is_a_one_line_error(tmp_path: Path):
    done = _run(["-r", "x", "--suite", "s", "--plugins", "no_such_plugin_module"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: plug-in no_such_plugin_module (--plugins no_such_plugin_module) not found "
        "(give an importable module or a path to a .py file)"
    )
    done = _run(["-r", "x", "--suite", "s", "--plugins", "missing.py"], tmp_path)
    assert (
        done.returncode == 2
        and "plug-in file missing.py (--plugins missing.py) does not exist" in done.stderr
    )


def test_decorators_check_what_they_register():
    import holistic

    with pytest.raises(HolisticError, match="is not a scenario class"):
        holistic.register_scenario(int)
    with pytest.raises(HolisticError, match="is not a subclass of holistic.Client"):
        holistic.register_client("nothing")(int)


def test_import_holistic_is_light():
    code = "import sys, holistic; print(sorted(m for m in sys.modules if m.startswith('holistic')))"
    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "['holistic']"
    import holistic

    assert set(holistic.__all__) <= set(dir(holistic)) | {"__version__"}
    assert all(getattr(holistic, name) is not None for name in holistic.__all__)


def test_perturbation_and_tokenizer_decorators_feed_the_registries():
    import random

    import holistic
    from holistic.augmentation.perturbation import create_perturbation
    from holistic.models.tokenizers import get_tokenizer
    from holistic.specs import PerturbationSpec

    @holistic.register_perturbation
    class ShoutPerturbation(holistic.Perturbation):
        name = "shout"

        def perturb(self, text: str, rng: random.Random) -> str:
            return text.upper()

    perturbation = create_perturbation(PerturbationSpec(holistic.class_name_of(ShoutPerturbation), {}))
    assert perturbation.perturb("quiet", random.Random(0)) == "QUIET"

    @holistic.register_tokenizer("test/pairs")
    class PairTokenizer(holistic.Tokenizer):
        def encode(self, text: str) -> list:
            return [text[i : i + 2] for i in range(0, len(text), 2)]

        def decode(self, tokens: list) -> str:
            return "".join(tokens)

    assert get_tokenizer("test/pairs").count_tokens("abcde") == 3


def test_helm_present_takes_plugins(tmp_path: Path):
    (tmp_path / "plugin.py").write_text(SCENARIO_PLUGIN)
    (tmp_path / "entries.conf").write_text(
        'entries: [{description: "echo_words:model=simple/model1", priority: 1}]\n'
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-m", "holistic.cli.present", "--conf", "entries.conf", "--suite", "p", "-q",
         "--plugins", "plugin.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    stats = json.loads(
        (tmp_path / "benchmarking_output/runs/p/echo_words:model=simple_model1/stats.json").read_text()
    )
    assert any(s["name"]["name"] == "exact_match" for s in stats)


def test_entry_point_scan_is_skipped_only_when_no_distribution_declares_the_group(
    tmp_path: Path, monkeypatch
):
    from holistic import plugins

    other = tmp_path / "other"
    (other / "tool-1.0.dist-info").mkdir(parents=True)
    (other / "tool-1.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\ntool = tool:main\n")
    (other / "bare-2.0.dist-info").mkdir()  # no entry_points.txt
    monkeypatch.setattr(sys, "path", [str(other), str(tmp_path / "missing")])
    assert not plugins._may_declare_entry_points()
    site = _installed_package(tmp_path, "echo_plugin", SCENARIO_PLUGIN)
    monkeypatch.setattr(sys, "path", [str(other), str(site)])
    assert plugins._may_declare_entry_points()
    archive = tmp_path / "packages.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # a zip on sys.path: only importlib.metadata can tell
    monkeypatch.setattr(sys, "path", [str(other), str(archive)])
    assert plugins._may_declare_entry_points()
