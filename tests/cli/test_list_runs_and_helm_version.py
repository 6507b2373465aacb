"""`--list-runs` (what a command would run, building RunSpecs only) and the `--helm-version` profile."""

from __future__ import annotations

import json
import sys

from tests.cli.test_cli_errors import assert_one_line_error
from tests.helpers import load, run_cli

MMLU = "mmlu:subject=philosophy,model=simple/model1"


def test_list_runs_prints_names_then_count_and_touches_nothing(tmp_path):
    probe = (
        "import sys; from holistic.cli.run import main; code = main(sys.argv[1:]); "
        "heavy = sorted(m for m in ('numpy', 'torch', 'pyarrow', 'holistic.models.clients.simple_client', "
        "'holistic.adaptation.adapters', 'holistic.runner.runner') if m in sys.modules); print('loaded:', heavy); sys.exit(code)"
    )
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", probe, "-r", MMLU, "simple1:model=simple/model1,max_train_instances=0",
            "simple1:model=simple/model1,max_train_instances=1",
         "--list-runs", "--data-mirror", str(tmp_path / "nowhere")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:-1] == [
        "mmlu:subject=philosophy,method=multiple_choice_joint,model=simple_model1",
        "simple1:model=simple_model1,max_train_instances=0",
        "simple1:model=simple_model1,max_train_instances=1",
    ]
    # No model client, no adapter, no runner, no data library: building RunSpecs needs none of them.
    assert lines[-1] == "loaded: []"
    assert result.stderr.strip() == "3 RunSpec(s)"
    assert list(tmp_path.iterdir()) == []  # no output directory, no cache, no download


def test_list_runs_json_follows_the_profile(tmp_path):
    default = run_cli(["-r", MMLU, "--list-runs", "--json", "-m", "7"], tmp_path)
    helm_0_5 = run_cli(["-r", MMLU, "--list-runs", "--json", "--helm-version", "0.5"], tmp_path)
    assert default.returncode == helm_0_5.returncode == 0
    (v01,) = [json.loads(line) for line in default.stdout.splitlines()]
    (v05,) = [json.loads(line) for line in helm_0_5.stdout.splitlines()]
    assert v01["name"] == v05["name"]
    assert (v01["adapter_spec"]["num_outputs"], v01["adapter_spec"]["max_tokens"]) == (1, 5)
    assert (v05["adapter_spec"]["num_outputs"], v05["adapter_spec"]["max_tokens"]) == (5, 1)
    # Command-line overrides apply, as for a real run; None fields are dropped, as in run_spec.json.
    assert v01["adapter_spec"]["max_eval_instances"] == 7 and "max_eval_instances" not in v05["adapter_spec"]


def test_list_runs_keeps_going_past_a_bad_entry(tmp_path):
    result = run_cli(["-r", "mmlx:subject=x,model=simple/model1", MMLU, "--list-runs"], tmp_path)
    assert_one_line_error(result, "unknown scenario 'mmlx'")
    assert result.stdout.splitlines() == [
        "mmlu:subject=philosophy,method=multiple_choice_joint,model=simple_model1"
    ]
    assert result.stderr.splitlines()[-1] == "1 RunSpec(s)"


def test_present_list_runs_filters_by_priority_models_and_groups(tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text(
        "entries: [\n"
        '  {description: "simple1:model=simple/model1", priority: 1}\n'
        '  {description: "mmlu:subject=anatomy,model=simple/model1", priority: 2, groups: ["extra"]}\n'
        '  {description: "mmlu:subject=philosophy,model=openai/davinci", priority: 1}\n'
        "]\n"
    )
    base = ["--conf", str(conf), "--list-runs"]
    names = lambda *extra: run_cli([*base, *extra], tmp_path, module="holistic.cli.present").stdout.split()  # noqa: E731
    assert len(names()) == 3
    assert names("--priority", "1") == [
        "simple1:model=simple_model1",
        "mmlu:subject=philosophy,method=multiple_choice_joint,model=openai_davinci",
    ]
    assert names("--priority", "1", "--models-to-run", "openai/davinci") == [
        "mmlu:subject=philosophy,method=multiple_choice_joint,model=openai_davinci"
    ]
    assert names("--groups-to-run", "mmlu") == [
        "mmlu:subject=anatomy,method=multiple_choice_joint,model=simple_model1",
        "mmlu:subject=philosophy,method=multiple_choice_joint,model=openai_davinci",
    ]


def test_usage_errors(tmp_path):
    assert_one_line_error(run_cli(["-r", MMLU, "--helm-version", "0.3"], tmp_path), "--helm-version", "0.1")
    assert_one_line_error(run_cli(["-r", MMLU, "--json"], tmp_path), "--json only applies to --list-runs")
    assert_one_line_error(run_cli(["-r", MMLU], tmp_path), "--suite")


def test_profile_is_recorded_and_a_completed_run_of_the_other_profile_reruns(tmp_path):
    args = ["-r", "simple1", "--suite", "s", "-m", "3", "--skip-completed-runs"]
    assert run_cli(args, tmp_path).returncode == 0
    run_dir = tmp_path / "benchmarking_output" / "runs" / "s" / "simple1"
    assert load(run_dir / "holistic_run.json") == {"helm_version": "0.1"}
    again = run_cli(args, tmp_path)
    assert "0 run(s) done, 1 skipped" in again.stderr
    other = run_cli([*args, "--helm-version", "0.5"], tmp_path)
    assert "1 run(s) done, 0 skipped" in other.stderr, other.stderr
    assert load(run_dir / "holistic_run.json") == {"helm_version": "0.5"}


def test_summarize_and_report_say_which_profile_wrote_the_runs(tmp_path):
    assert run_cli(["-r", "simple1", "--suite", "s", "-m", "3"], tmp_path).returncode == 0
    assert (
        run_cli(["-r", "simple1:max_train_instances=1", "--suite", "s", "-m", "3"], tmp_path).returncode == 0
    )
    summarized = run_cli(["--suite", "s"], tmp_path, module="holistic.cli.summarize")
    assert summarized.returncode == 0, summarized.stderr
    assert "behaviour: 2 run(s) --helm-version 0.1" in summarized.stderr
    suite = tmp_path / "benchmarking_output" / "runs" / "s"
    assert load(suite / "summary.json")["helm_versions"] == {"0.1": 2}
    assert "Behaviour: HELM v0.1.0 (--helm-version 0.1)" in (suite / "report" / "index.html").read_text()
    pages = list((suite / "report" / "runs").glob("simple1*.html"))
    assert len(pages) == 2 and all("HELM v0.1.0 (--helm-version 0.1)" in p.read_text() for p in pages)

    # A run of the other profile in the same suite is flagged: the numbers are not comparable.
    args = ["-r", "simple1:max_train_instances=2", "--suite", "s", "-m", "3", "--helm-version", "0.5"]
    assert run_cli(args, tmp_path).returncode == 0
    mixed = run_cli(["--suite", "s"], tmp_path, module="holistic.cli.summarize")
    assert "mixes behaviour profiles" in mixed.stderr
    assert load(suite / "summary.json")["helm_versions"] == {"0.1": 2, "0.5": 1}
