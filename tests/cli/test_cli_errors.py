"""Bad input: one line `error: ...`, exit status 2, no traceback; valid runs in the same call still finish."""

import os
import subprocess
import sys

import pytest

from tests.helpers import run_cli


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


BAD_DESCRIPTIONS = [
    ("mmlx:subject=philosophy,model=simple/model1", ["unknown scenario 'mmlx'", "did you mean mmlu?"]),
    ("mmlu:philosophy,model=simple/model1", ["expected <key>=<value>, got 'philosophy'"]),
    ("simple1:instructions=novice", ["unknown value 'novice' for instructions", "expert"]),
    (
        "mmlu:subject=philosophy,model=openai/davinchi",
        ["unknown model 'openai/davinchi'", "did you mean openai/davinci?"],
    ),
    ("mmlu:model=simple/model1", ["missing argument 'subject' for scenario mmlu"]),
    (
        "mmlu:subject=philosophy,color=red,model=simple/model1",
        ["unknown argument 'color' for scenario mmlu", "subject, method"],
    ),
    ("mmlu:subject=philosophi,model=simple/model1", ["unknown MMLU subject 'philosophi'", "philosophy"]),
]


@pytest.mark.parametrize(("description", "fragments"), BAD_DESCRIPTIONS)
def test_bad_description_fails_alone(tmp_path, description, fragments):
    result = run_cli(["--run-specs", description, "simple1", "--suite", "s", "-m", "2"], tmp_path)
    assert_one_line_error(result, *fragments)
    # The valid run in the same invocation still completed.
    assert (tmp_path / "benchmarking_output/runs/s/simple1/stats.json").exists()


def test_missing_conf_file(tmp_path):
    assert_one_line_error(
        run_cli(["--conf-paths", "nope.conf", "--suite", "s", "-m", "1"], tmp_path),
        "nope.conf does not exist",
    )


def test_invalid_hocon(tmp_path):
    (tmp_path / "bad.conf").write_text('entries: [ {description: "simple1", priority: ')
    assert_one_line_error(
        run_cli(["--conf-paths", "bad.conf", "--suite", "s", "-m", "1"], tmp_path),
        "invalid HOCON in bad.conf",
    )


def test_negative_max_eval_instances(tmp_path):
    assert_one_line_error(
        run_cli(["--run-specs", "simple1", "--suite", "s", "-m", "-1"], tmp_path), "non-negative integer"
    )


def test_unwritable_output_path(tmp_path):
    (tmp_path / "file").write_text("x")
    result = run_cli(
        ["--run-specs", "simple1", "--suite", "s", "-m", "1", "--output-path", "file/out"], tmp_path
    )
    assert_one_line_error(result, "output path file/out is not a directory")


def test_missing_data(tmp_path):
    env = {**os.environ, "HOLISTIC_OFFLINE": "1"}
    result = run_cli(
        ["--run-specs", "mmlu:subject=anatomy,model=simple/model1", "simple1", "--suite", "s", "-m", "2"],
        tmp_path,
        env=env,
    )
    assert_one_line_error(result, "scenarios/mmlu/data is missing", "--data-mirror")
    assert (tmp_path / "benchmarking_output/runs/s/simple1/stats.json").exists()
    assert not (
        tmp_path
        / "benchmarking_output/runs/s/mmlu:subject=anatomy,method=multiple_choice_joint,model=simple_model1"
    ).exists()


def test_empty_mirror_file_is_an_error_not_zero_instances(tmp_path):
    mirror = tmp_path / "mirror" / "mmlu" / "data"
    for split in ("dev", "val", "test"):
        (mirror / split).mkdir(parents=True)
    (mirror / "test" / "anatomy_test.csv").write_text("")
    result = run_cli(
        [
            "--run-specs",
            "mmlu:subject=anatomy,model=simple/model1",
            "--suite",
            "s",
            "-m",
            "2",
            "--data-mirror",
            str(tmp_path / "mirror"),
        ],
        tmp_path,
    )
    assert_one_line_error(result, "no MMLU files for anatomy")


def test_help_is_light():
    code = "import sys; from holistic.cli import run; run.build_parser().format_help(); print(sorted(m for m in ('numpy', 'torch', 'transformers', 'pyhocon', 'tqdm') if m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_list_scenarios(tmp_path):
    result = run_cli(["--list-scenarios"], tmp_path)
    assert result.returncode == 0
    assert {"mmlu", "simple1", "synthetic_reasoning"} <= set(result.stdout.split())


def test_conf_entries_with_priority_and_filters(tmp_path):
    (tmp_path / "run.conf").write_text(
        'entries: [\n  {description: "simple1", priority: 1}\n'
        '  {description: "synthetic_reasoning:mode=induction,model=simple/model1", priority: 2, groups: ["extra"]}\n]\n'
    )
    result = run_cli(
        ["--conf", "run.conf", "--suite", "s", "-m", "3", "--priority", "1"],
        tmp_path,
        module="holistic.cli.present",
    )
    assert result.returncode == 0, result.stderr
    runs = tmp_path / "benchmarking_output/runs/s"
    assert (runs / "simple1/stats.json").exists() and not (
        runs / "synthetic_reasoning:mode=induction,model=simple_model1"
    ).exists()
    result = run_cli(
        ["--conf", "run.conf", "--suite", "s", "-m", "3", "--groups-to-run", "synthetic_reasoning_induction"],
        tmp_path,
        module="holistic.cli.present",
    )
    assert result.returncode == 0, result.stderr
    import json

    spec = json.loads(
        (runs / "synthetic_reasoning:mode=induction,model=simple_model1/run_spec.json").read_text()
    )
    assert spec["groups"] == ["synthetic_reasoning", "synthetic_reasoning_induction", "extra"]


def test_every_listed_scenario_has_a_run_spec_function():
    from holistic.run_specs import get_run_spec_function, run_spec_names

    for name in run_spec_names():
        assert callable(get_run_spec_function(name)), name
