"""The data preprocessing test of §7.3 on the real simple1 scenario, through the runner's own steps."""

from __future__ import annotations

from dataclasses import replace

from holistic.augmentation.options import extra_space
from holistic.run_specs.simple1 import run_spec as simple1_run_spec
from holistic.runner.runner import Runner, RunnerOptions
from holistic.scenarios import create_scenario
from holistic.specs.object_spec import DataAugmenterSpec


def simple1_instances(tmp_path):
    runner = Runner(
        RunnerOptions(suite="s", output_path=str(tmp_path / "out"), local_path=str(tmp_path / "env"))
    )
    run_spec = simple1_run_spec()
    return runner, run_spec, runner.load_instances(create_scenario(run_spec.scenario_spec))


def test_without_augmentation_ids_follow_positions(tmp_path):
    runner, run_spec, instances = simple1_instances(tmp_path)
    assert [i.id for i in instances] == [f"id{n}" for n in range(20)]
    assert [i.split for i in instances] == ["train"] * 10 + ["test"] * 10
    assert runner.augment(run_spec, instances) is instances


def test_extra_space_on_eval_instances(tmp_path):
    runner, run_spec, instances = simple1_instances(tmp_path)
    augmenter = DataAugmenterSpec(
        perturbation_specs=[extra_space(5)],
        should_augment_eval_instances=True,
        should_include_original_eval=True,
        should_skip_unchanged_eval=True,
    )
    out = runner.augment(replace(run_spec, data_augmenter_spec=augmenter), instances)
    assert len(out) == 30
    # Train instances are untouched and first; then each test instance followed by its perturbed copy.
    assert out[:10] == instances[:10]
    for n, original in enumerate(instances[10:]):
        kept, copy = out[10 + 2 * n], out[11 + 2 * n]
        assert kept is original and "     " not in kept.input and kept.perturbation is None
        assert copy.id == original.id and copy.input == original.input.replace(" ", " " * 5)
        assert copy.perturbation.name == "extra_space" and copy.perturbation.num_spaces == 5
        assert copy.references == original.references
    assert sum("     " in i.input for i in out) == 10
