"""Suites of many runs: instances reused between runs of one scenario, outputs equal to separate calls."""

from __future__ import annotations

from holistic.cli.run import main as helm_run
from holistic.jsonio import dumps
from holistic.runner.runner import Runner, RunnerOptions
from holistic.scenarios.mmlu_scenario import MMLUScenario

FILES = ("scenario.json", "scenario_state.json", "per_instance_stats.json", "stats.json")


def test_instances_of_an_equal_scenario_are_read_once(tmp_path, shared_data, monkeypatch):
    runner = Runner(RunnerOptions(suite="s", output_path=str(tmp_path / "out"), local_path=str(tmp_path / "env"), data_mirror=str(shared_data)))  # fmt: skip
    reads = []
    get_instances = MMLUScenario.get_instances
    monkeypatch.setattr(
        MMLUScenario, "get_instances", lambda self: reads.append(self.subject) or get_instances(self)
    )
    first = runner.load_instances(MMLUScenario("anatomy"))
    second = runner.load_instances(MMLUScenario("anatomy"))
    # The same (frozen) instances in a new list.
    assert second is not first and all(a is b for a, b in zip(first, second, strict=True))
    assert reads == ["anatomy"]
    runner.load_instances(MMLUScenario("virology"))
    again = runner.load_instances(MMLUScenario("anatomy"))  # only the last scenario is kept
    assert dumps(again) == dumps(first) and reads == ["anatomy", "virology", "anatomy"]


def test_a_suite_in_one_call_writes_what_separate_calls_write(tmp_path, shared_data):
    descriptions = [
        f"mmlu:subject=anatomy,method={method},model=simple/model1,max_train_instances={k}"
        for method in ("multiple_choice_joint", "multiple_choice_separate_calibrated")
        for k in (0, 2)
    ]
    common = ["--suite", "s", "-m", "5", "--data-mirror", str(shared_data), "-q"]
    assert helm_run(["-r", *descriptions, "-o", str(tmp_path / "one"), "--local-path", str(tmp_path / "e1"), *common]) == 0  # fmt: skip
    for description in descriptions:
        assert helm_run(["-r", description, "-o", str(tmp_path / "each"), "--local-path", str(tmp_path / "e2"), *common]) == 0  # fmt: skip
    runs = sorted(p.name for p in (tmp_path / "one" / "runs" / "s").iterdir() if p.is_dir())
    assert len(runs) == 4
    for run in runs:
        for name in FILES:
            one = (tmp_path / "one" / "runs" / "s" / run / name).read_text()
            each = (tmp_path / "each" / "runs" / "s" / run / name).read_text()
            assert one == each.replace(str(tmp_path / "each"), str(tmp_path / "one")), (run, name)


def test_run_specs_json_is_written_run_spec_by_run_spec_with_helms_bytes(tmp_path):
    import json

    from holistic.jsonio import asdict_with_nones
    from holistic.run_specs.construct import construct_run_specs
    from holistic.runner.outputs import write_suite_files

    run_specs = construct_run_specs("mmlu:subject=anatomy,model=simple/model1,max_train_instances=all")
    run_specs += construct_run_specs("boolq:model=simple/model1,data_augmentation=canonical")
    for specs in (run_specs, run_specs[:1], []):
        write_suite_files(tmp_path, "s", specs)
        expected = json.dumps(asdict_with_nones(specs), indent=2)
        assert (tmp_path / "runs" / "s" / "run_specs.json").read_text() == expected
