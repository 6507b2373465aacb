"""Failures a new user causes end in one `error:` line and exit 2; a bug ends in one line naming its traceback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli_errors import assert_one_line_error
from tests.helpers import run_cli

MMLU = "mmlu:subject=anatomy,model=simple/model1"


def mmlu_mirror(tmp_path: Path, shared_data: Path) -> Path:
    """A mirror holding MMLU's files, whose anatomy files the test may then spoil."""
    mirror = tmp_path / "mirror"
    shutil.copytree(shared_data / "mmlu", mirror / "mmlu")
    return mirror


def test_output_path_that_cannot_be_created(tmp_path):
    result = run_cli(["-r", "simple1", "--suite", "s", "-m", "2", "-o", "/proc/x"], tmp_path)
    assert_one_line_error(result, "output path /proc/x cannot be created", "--output-path")
    assert len(result.stderr.splitlines()) == 1


def test_request_cache_that_is_not_a_database(tmp_path):
    cache = tmp_path / "prod_env" / "cache" / "simple.sqlite"
    cache.parent.mkdir(parents=True)
    cache.write_text("these bytes are not an SQLite database\n" * 20)
    result = run_cli(["-r", "simple1", "--suite", "s", "-m", "2"], tmp_path)
    assert_one_line_error(result, str(Path("prod_env/cache/simple.sqlite")), "move it aside", "fresh cache")
    # Moving it aside is enough.
    cache.rename(cache.with_name("simple.sqlite.bad"))
    assert run_cli(["-r", "simple1", "--suite", "s", "-m", "2"], tmp_path).returncode == 0


def test_data_file_that_is_not_utf8(tmp_path, shared_data):
    mirror = mmlu_mirror(tmp_path, shared_data)
    spoiled = mirror / "mmlu" / "data" / "test" / "anatomy_test.csv"
    spoiled.write_bytes(spoiled.read_bytes().replace(b"facial", "façial".encode("latin-1"), 1))
    result = run_cli(["-r", MMLU, "--suite", "s", "-m", "2", "--data-mirror", str(mirror)], tmp_path)
    assert_one_line_error(result, "anatomy_test.csv is not UTF-8", "invalid continuation byte")


def test_unexpected_exception_is_one_line_naming_the_traceback_file(tmp_path):
    # Cached responses that unpickle into an error are a case nothing foresees: a bug's traceback, in a file.
    assert run_cli(["-r", "simple1", "--suite", "first", "-m", "2"], tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "prod_env/cache/simple.sqlite") as db:
        db.execute("UPDATE unnamed SET value = ?", (b"cno_such_module\nResponse\n.",))
    result = run_cli(["-r", "simple1", "synthetic_reasoning:mode=pattern_match,model=simple/model1"]
                     + ["--suite", "s", "-m", "2"], tmp_path)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: simple1: unexpected error"), result.stderr
    assert "No module named 'no_such_module'" in errors[0]
    traceback_file = Path(errors[0].split("traceback in ")[1].rstrip(")"))
    assert (tmp_path / traceback_file).read_text().startswith("Traceback (most recent call last)")
    assert result.returncode == 1
    # The other run of the same call finished.
    assert len(list((tmp_path / "benchmarking_output/runs/s").glob("synthetic_reasoning*/stats.json"))) == 1


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_run_outputs_follow_the_umask(tmp_path, umask):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run(
        [sys.executable, "-m", "holistic.cli.run", "-r", "simple1", "--suite", "s", "-m", "2", "-q"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        preexec_fn=lambda: os.umask(umask),
    )
    run = tmp_path / "benchmarking_output/runs/s/simple1"
    names = ["scenario_state.json", "stats.json", "per_instance_stats.json", "run_spec.json", "scenario.json"]
    modes = {name: oct((run / name).stat().st_mode & 0o777) for name in names}
    assert modes == dict.fromkeys(names, oct(0o666 & ~umask))
    assert oct((tmp_path / "benchmarking_output/runs/s/run_specs.json").stat().st_mode & 0o777) == oct(
        0o666 & ~umask
    )
