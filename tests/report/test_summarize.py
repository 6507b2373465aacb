"""helm-summarize end to end on a real suite (helm-run with simple/model1), including HELM 0.2's layout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from holistic.cli.summarize import main as summarize_main
from holistic.jsonio import full_stat
from holistic.report.html import run_slug

SUITE = "t"  # the suite of conftest.built_suite


def summarize(out: Path, suite: str = SUITE, *extra: str) -> int:
    return summarize_main(["--suite", suite, "--output-path", str(out), "-q", *extra])


def load(path: Path):
    return json.loads(path.read_text())


def run_dirs(out: Path, suite: str = SUITE) -> list[Path]:
    return sorted(p for p in (out / "runs" / suite).iterdir() if (p / "run_spec.json").exists())


def test_writes_the_leaderboard_files(suite_copy):
    assert summarize(suite_copy) == 0
    suite_dir = suite_copy / "runs" / SUITE
    assert load(suite_dir / "summary.json")["suite"] == SUITE
    runs = load(suite_dir / "runs.json")
    dirs = run_dirs(suite_copy)
    assert len(runs) == len(dirs) >= 5
    for entry, directory in zip(runs, dirs):
        assert entry["run_spec"] == load(directory / "run_spec.json")
        assert entry["stats"] == load(directory / "stats.json")
    assert [s["name"] for s in load(suite_dir / "run_specs.json")] == [d.name for d in dirs]
    overview = load(suite_dir / "groups.json")
    rows = {row[0]["value"] for table in overview for row in table["rows"]}
    assert {"MMLU (Massive Multitask Language Understanding)", "Simple 1", "Core scenarios"} <= rows
    assert "mmlu" in load(suite_dir / "groups_metadata.json")


def test_mmlu_tables_match_the_runs_stats(suite_copy):
    assert summarize(suite_copy) == 0
    suite_dir = suite_copy / "runs" / SUITE
    tables = {t["name"]: t for t in load(suite_dir / "groups" / "mmlu.json")}
    assert set(tables) == {"all", "subject_philosophy", "subject_anatomy"}
    philosophy = tables["subject_philosophy"]
    labels = [row[0]["value"] for row in philosophy["rows"] if row[0]["value"].startswith("Simple Model 1")]
    assert labels == ["Simple Model 1 [max_train_instances: 0]", "Simple Model 1 [max_train_instances: 5]"]
    five_row = next(row for row in philosophy["rows"] if row[0]["value"] == labels[1])
    assert philosophy["header"][1]["value"] == "EM ↑" and philosophy["header"][1]["lower_is_better"] is False
    five_shot = next(
        d for d in run_dirs(suite_copy) if "philosophy" in d.name and "max_train_instances" not in d.name
    )
    expected = next(
        s["mean"]
        for s in load(five_shot / "stats.json")
        if s["name"] == {"name": "exact_match", "split": "test"}
    )
    assert five_row[1]["value"] == pytest.approx(expected)
    assert "(1)" in five_row[1]["description"]
    # Every table has its LaTeX and JSON exports, linked from the table.
    for table in tables.values():
        hrefs = {link["text"]: link["href"] for link in table["links"]}
        assert (suite_dir / hrefs["LaTeX"]).read_text().startswith("\\begin{table*}")
        assert load(suite_dir / hrefs["JSON"]) == table
    # Runs without groups (simple1) are filed under their scenario's group.
    assert load(suite_dir / "groups" / "simple1.json")


def test_costs_and_display_files(suite_copy):
    assert summarize(suite_copy) == 0
    suite_dir = suite_copy / "runs" / SUITE
    costs = load(suite_dir / "costs.json")["simple/model1"]
    requests = prompt_tokens = 0
    for directory in run_dirs(suite_copy):
        if "model=simple_model1" not in directory.name:
            continue
        requests += sum(
            s["sum"] for s in load(directory / "stats.json") if s["name"] == {"name": "num_requests"}
        )
        for entry in load(directory / "per_instance_stats.json"):
            prompt_tokens += sum(
                full_stat(s)["sum"] for s in entry["stats"] if s["name"]["name"] == "num_prompt_tokens"
            )
        states = load(directory / "scenario_state.json")["request_states"]
        predictions = load(directory / "display_predictions.json")
        assert len(predictions) == len(states)
        assert [p["predicted_text"] for p in predictions] == [
            s["result"]["completions"][0]["text"] for s in states
        ]
        assert len(load(directory / "display_requests.json")) == len(states)
        ids = {s["instance"]["id"] for s in states}
        assert len(load(directory / "instances.json")) == len(ids)
        if "mmlu" in directory.name:
            assert {"exact_match", "num_prompt_tokens"} <= set(predictions[0]["stats"])
            for prediction, state in zip(predictions, states):
                assert prediction.get("mapped_output") == state["output_mapping"].get(
                    prediction["predicted_text"].strip()
                )
    assert costs["num_requests"] == requests
    assert costs["num_prompt_tokens"] == prompt_tokens
    assert costs["total_tokens"] == costs["num_prompt_tokens"] + costs["num_completion_tokens"]


def _to_helm_02(out: Path) -> None:
    """Rewrite a suite the way HELM 0.2 lays it out: text objects, scenario.json without instances, no run_specs.json."""
    suite_dir = out / "runs" / SUITE
    (suite_dir / "run_specs.json").unlink()
    for directory in run_dirs(out):
        scenario = load(directory / "scenario.json")
        (directory / "scenario.json").write_text(
            json.dumps(
                {k: scenario[k] for k in ("name", "description", "tags", "output_path", "definition_path")},
                indent=2,
            )
        )
        state = load(directory / "scenario_state.json")
        for request_state in state["request_states"]:
            instance = request_state["instance"]
            instance["input"] = {"text": instance["input"]}
            for reference in instance["references"]:
                reference["output"] = {"text": reference["output"]}
        (directory / "scenario_state.json").write_text(json.dumps(state, indent=2))


def test_helm_02_layout_gives_the_same_report(suite_copy, tmp_path):
    helm = tmp_path / "helm02"
    shutil.copytree(suite_copy, helm, symlinks=True)
    _to_helm_02(helm)
    assert summarize(suite_copy) == 0
    assert summarize(helm) == 0
    ours, theirs = suite_copy / "runs" / SUITE, helm / "runs" / SUITE
    for name in ["groups.json", "costs.json", "groups/mmlu.json", "groups/core_scenarios.json"]:
        assert load(theirs / name) == load(ours / name), name
    for directory in run_dirs(suite_copy):
        assert load(theirs / directory.name / "display_predictions.json") == load(
            directory / "display_predictions.json"
        )
        slug = run_slug(directory.name)
        assert (theirs / "report" / "runs" / slug / "t0-f0.js").read_text() == (
            ours / "report" / "runs" / slug / "t0-f0.js"
        ).read_text()


def test_missing_files_are_reported_and_the_rest_summarized(suite_copy, capsys):
    dirs = run_dirs(suite_copy)
    (dirs[0] / "stats.json").unlink()
    (dirs[1] / "scenario_state.json").unlink()
    (suite_copy / "runs" / SUITE / "junk").mkdir()
    assert summarize(suite_copy) == 0
    err = capsys.readouterr().err
    assert f"warning: skipping {dirs[0].name}: no stats.json" in err
    assert f"warning: {dirs[1].name}: no scenario_state.json" in err
    assert "warning: skipping junk: no run_spec.json" in err
    assert all(line.startswith(("warning: ", "summarized ")) for line in err.strip().splitlines())
    suite_dir = suite_copy / "runs" / SUITE
    assert len(load(suite_dir / "runs.json")) == len(dirs) - 1
    page = (suite_dir / "report" / "runs" / f"{run_slug(dirs[1].name)}.html").read_text()
    assert "No instances to show" in page
    assert "warning(s)" in (suite_dir / "report" / "index.html").read_text()


def test_unknown_metrics_and_groups_are_warned_about(suite_copy, capsys):
    directory = run_dirs(suite_copy)[0]
    stats = load(directory / "stats.json")
    stats.append(
        {
            "name": {"name": "my_metric", "split": "test"},
            "count": 1,
            "sum": 2.0,
            "sum_squared": 4.0,
            "min": 2.0,
            "max": 2.0,
            "mean": 2.0,
            "variance": 0.0,
            "stddev": 0.0,
        }
    )
    (directory / "stats.json").write_text(json.dumps(stats, indent=2))
    spec = load(directory / "run_spec.json")
    spec["groups"] = ["my_group"]
    (directory / "run_spec.json").write_text(json.dumps(spec, indent=2))
    assert summarize(suite_copy) == 0
    err = capsys.readouterr().err
    assert "stat name(s) are not in the schema" in err and "my_metric" in err
    assert "group 'my_group' (1 run(s)) is not in the schema" in err
    tables = load(suite_copy / "runs" / SUITE / "groups" / "my_group.json")
    assert tables and tables[0]["rows"]


def test_empty_suite_still_gets_a_report(tmp_path, capsys):
    (tmp_path / "runs" / "empty").mkdir(parents=True)
    assert summarize(tmp_path, "empty") == 0
    assert "no finished runs" in capsys.readouterr().err
    assert (tmp_path / "runs" / "empty" / "report" / "index.html").exists()
    assert load(tmp_path / "runs" / "empty" / "runs.json") == []


def test_missing_suite_is_a_usage_error(tmp_path, capsys):
    assert summarize(tmp_path, "nope") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: suite directory") and len(err.strip().splitlines()) == 1


def test_resummarizing_drops_pages_of_removed_runs(suite_copy):
    assert summarize(suite_copy) == 0
    removed = run_dirs(suite_copy)[0]
    page = suite_copy / "runs" / SUITE / "report" / "runs" / f"{run_slug(removed.name)}.html"
    assert page.exists()
    shutil.rmtree(removed)
    assert summarize(suite_copy) == 0
    assert not page.exists()
    assert not page.with_suffix("").exists()


def test_skip_flags(suite_copy):
    assert summarize(suite_copy, SUITE, "--skip-html", "--skip-write-run-display-json") == 0
    suite_dir = suite_copy / "runs" / SUITE
    assert (suite_dir / "groups.json").exists()
    assert not (suite_dir / "report").exists()
    assert not any((d / "display_predictions.json").exists() for d in run_dirs(suite_copy))


def test_report_pages_escape_run_text(suite_copy):
    directory = run_dirs(suite_copy)[0]
    spec = load(directory / "run_spec.json")
    spec["adapter_spec"]["instructions"] = "<b onmouseover=alert(1)>bold</b>"
    (directory / "run_spec.json").write_text(json.dumps(spec, indent=2))
    assert summarize(suite_copy) == 0
    page = (suite_copy / "runs" / SUITE / "report" / "runs" / f"{run_slug(directory.name)}.html").read_text()
    assert "&lt;b onmouseover=alert(1)&gt;bold&lt;/b&gt;" in page
    assert "<b onmouseover" not in page


def test_group_names_from_run_files_cannot_escape_the_output_directory(suite_copy):
    directory = run_dirs(suite_copy)[0]
    spec = load(directory / "run_spec.json")
    spec["groups"] = ["../../../escaped"]
    (directory / "run_spec.json").write_text(json.dumps(spec, indent=2))
    assert summarize(suite_copy) == 0
    suite_dir = suite_copy / "runs" / SUITE
    written = list(suite_copy.parent.rglob("*escaped*"))
    assert written and all(suite_dir in p.parents for p in written)
    assert (suite_dir / "groups" / "_.._.._escaped.json").exists()
    assert not (suite_copy.parent / "escaped.json").exists()
