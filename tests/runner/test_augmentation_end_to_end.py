"""helm-run with data_augmentation=: perturbed instances in scenario.json, worst-case stats in stats.json."""

from __future__ import annotations

import json
import os
from collections import defaultdict

from holistic.jsonio import full_stat
from tests.cli.test_cli_errors import assert_one_line_error
from tests.helpers import load, run_cli

RUN_DIR = "benchmarking_output/runs/s/simple1,data_augmentation=extra_space2"
EXTRA_SPACE = {"name": "extra_space", "robustness": True, "fairness": False, "computed_on": "perturbed"}


def offline_env() -> dict:
    return {**os.environ, "HOLISTIC_OFFLINE": "1"}


def test_extra_space_run(tmp_path):
    result = run_cli(
        ["--run-specs", "simple1:data_augmentation=extra_space", "--suite", "s", "-m", "5"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    run_dir = tmp_path / RUN_DIR
    instances = load(run_dir / "scenario.json")["instances"]
    evals = [i for i in instances if i["split"] == "test"]
    assert len(evals) == 10
    for original, copy in zip(evals[::2], evals[1::2]):
        assert "perturbation" not in original and copy["id"] == original["id"]
        assert copy["input"] == original["input"].replace(" ", "  ")
        assert copy["perturbation"] == {**EXTRA_SPACE, "num_spaces": 2}

    # The robustness worst case of one stat, by hand from the per-instance stats: per trial, the mean over
    # instances of min(original, perturbed); then the mean over trials.
    name = "num_prompt_tokens"
    values: dict[tuple[int, str], list[float]] = defaultdict(list)
    for entry in load(run_dir / "per_instance_stats.json"):
        for stat in entry["stats"]:
            if stat["name"]["name"] == name:
                values[(entry["train_trial_index"], entry["instance_id"])].append(
                    full_stat(stat)["sum"] / stat["count"]
                )
    assert all(len(v) == 2 for v in values.values()) and len(values) == 15
    trials = sorted({trial for trial, _ in values})
    per_trial = [
        sum(min(v) for (t, _), v in values.items() if t == trial) / sum(1 for t, _ in values if t == trial)
        for trial in trials
    ]
    expected = sum(per_trial) / len(per_trial)
    stats = {json.dumps(s["name"], sort_keys=True): s for s in load(run_dir / "stats.json")}

    def stat(perturbation: dict) -> dict:
        return stats[
            json.dumps({"name": name, "split": "test", "perturbation": perturbation}, sort_keys=True)
        ]

    robustness = {"name": "robustness", "robustness": True, "fairness": False, "computed_on": "worst"}
    assert abs(stat(robustness)["mean"] - expected) < 1e-9
    assert stat({**EXTRA_SPACE, "computed_on": "worst", "num_spaces": 2})["mean"] == stat(robustness)["mean"]
    # The perturbed copies really were evaluated: doubled spaces make longer prompts.
    assert stat({**EXTRA_SPACE, "num_spaces": 2})["mean"] > stat(robustness)["mean"]


def test_canonical_without_data_files_is_one_error(tmp_path):
    result = run_cli(
        ["--run-specs", "simple1:data_augmentation=canonical", "--suite", "s", "-m", "2"],
        tmp_path,
        offline_env(),
    )
    assert_one_line_error(
        result,
        "correct_to_misspelling.json",
        "perturbations/dialect/SAE_to_AAVE_mapping.json",
        "perturbations/person_name/person_names.txt",
        "--data-mirror DIR",
    )


def test_canonical_with_files_from_the_mirror(tmp_path):
    mirror = tmp_path / "mirror" / "perturbations"
    for name, file_name, content in [
        ("misspellings", "correct_to_misspelling.json", json.dumps({"1": ["one"], "2": ["two"]})),
        ("dialect", "SAE_to_AAVE_mapping.json", json.dumps({"3": ["three"]})),
        (
            "person_name",
            "person_names.txt",
            "4,first_name,race,white_american,gender,male\n"
            "jamal,first_name,race,black_american,gender,male\n",
        ),
    ]:
        (mirror / name).mkdir(parents=True)
        (mirror / name / file_name).write_text(content)
    result = run_cli(
        ["--run-specs", "simple1:data_augmentation=canonical", "--suite", "s", "-m", "3",
         "--data-mirror", str(tmp_path / "mirror")],
        tmp_path,
        offline_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    run_dir = tmp_path / "benchmarking_output/runs/s/simple1,data_augmentation=canonical"
    instances = [i for i in load(run_dir / "scenario.json")["instances"] if i["split"] == "test"]
    names = {i["perturbation"]["name"] for i in instances if "perturbation" in i}
    # Digits are words here, so the fixture maps apply: every perturbation family can change an input.
    assert {"mild_mix", "dialect", "person_name"} <= names
    for instance in instances:
        perturbation = instance.get("perturbation", {})
        if perturbation.get("name") == "person_name":
            assert "jamal" in instance["input"].split() and "4" not in instance["input"].split()
        if perturbation.get("name") == "dialect":
            assert "three" in instance["input"]
    assert (tmp_path / "benchmarking_output/perturbations/person_name/person_names.txt").exists()
    stat_names = {
        json.dumps(s["name"].get("perturbation", {}).get("name")) for s in load(run_dir / "stats.json")
    }
    assert '"fairness"' in stat_names and '"robustness"' in stat_names
