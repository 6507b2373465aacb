"""BLiMP: phenomenon → paradigm mapping checked against the data files, instances, run spec, end to end."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from holistic.cli.run import main
from holistic.errors import DataError
from holistic.jsonio import full_stat
from holistic.run_specs import build_run_spec
from holistic.scenarios.blimp_scenario import FOLDED_TERMS, PHENOMENON_TO_PARADIGMS, BLiMPScenario


def test_twelve_phenomena_cover_67_distinct_paradigms():
    paradigms = [p for ps in PHENOMENON_TO_PARADIGMS.values() for p in ps]
    assert len(PHENOMENON_TO_PARADIGMS) == 12
    assert len(paradigms) == len(set(paradigms)) == 67


def test_mapping_is_the_linguistics_term_of_every_line(shared_data):
    files = sorted((shared_data / "blimp" / "data" / "data").glob("*.jsonl"))
    assert {f.stem for f in files} == {p for ps in PHENOMENON_TO_PARADIGMS.values() for p in ps}
    phenomenon_of = {p: phenomenon for phenomenon, ps in PHENOMENON_TO_PARADIGMS.items() for p in ps}
    for path in files:
        terms = Counter(
            json.loads(line)["linguistics_term"] for line in path.read_text().splitlines() if line
        )
        ((term, count),) = terms.items()
        assert count == 1000
        assert FOLDED_TERMS.get(term, term) == phenomenon_of[path.stem], path.stem


def _scenario(tmp_path: Path, shared_data: Path, phenomenon: str) -> BLiMPScenario:
    scenario = BLiMPScenario(phenomenon)
    scenario.output_path = str(tmp_path / "scenarios" / "blimp")
    scenario.data_mirror = str(shared_data)
    return scenario


def test_instances_are_pairs_with_empty_input_in_helms_paradigm_order(tmp_path, shared_data):
    instances = _scenario(tmp_path, shared_data, "island_effects").get_instances()
    assert len(instances) == 8000
    first = instances[0]
    assert (first.input, first.split) == ("", "test")
    assert [r.tags for r in first.references] == [["correct"], []]
    source = shared_data / "blimp" / "data" / "data" / "left_branch_island_simple_question.jsonl"
    pair = json.loads(source.read_text().splitlines()[0])
    assert [r.output for r in first.references] == [pair["sentence_good"], pair["sentence_bad"]]
    last = json.loads(
        (shared_data / "blimp/data/data/left_branch_island_echo_question.jsonl").read_text().splitlines()[-1]
    )
    assert instances[-1].references[0].output == last["sentence_good"]


def test_unknown_phenomenon_is_a_one_line_error():
    with pytest.raises(DataError, match="unknown BLiMP phenomenon 's-selection'"):
        build_run_spec("blimp", {"phenomenon": "s-selection"})


def test_run_spec_uses_the_separate_preset_with_empty_input():
    run_spec = build_run_spec("blimp", {"phenomenon": "binding"})
    assert run_spec.name == "blimp:phenomenon=binding,method=multiple_choice_separate_original"
    adapter = run_spec.adapter_spec
    assert adapter.method == "multiple_choice_separate_original"
    assert (adapter.instructions, adapter.input_prefix, adapter.output_prefix, adapter.output_suffix) == (
        "",
        "",
        "",
        "",
    )
    assert (adapter.max_train_instances, adapter.max_tokens, adapter.num_outputs, adapter.temperature) == (
        0,
        0,
        1,
        0.0,
    )
    assert run_spec.groups == ["blimp"]
    assert run_spec.metric_specs[0].args["names"][0] == "exact_match"
    calibrated = build_run_spec(
        "blimp", {"phenomenon": "binding", "method": "multiple_choice_separate_calibrated"}
    )
    assert calibrated.adapter_spec.method == "multiple_choice_separate_calibrated"


@pytest.mark.slow
def test_island_effects_end_to_end_gives_per_pair_accuracy(tmp_path, shared_data):
    code = main([
        "--run-specs", "blimp:phenomenon=island_effects,model=simple/model1", "--suite", "t", "-m", "30",
        "--data-mirror", str(shared_data), "--output-path", str(tmp_path / "out"), "--local-path", str(tmp_path / "env"), "-q",
    ])  # fmt: skip
    assert code == 0
    (run_dir,) = (tmp_path / "out" / "runs" / "t").glob("blimp*")
    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 60
    assert states[0]["request"]["prompt"] == states[0]["instance"]["references"][0]["output"]
    per_instance = json.loads((run_dir / "per_instance_stats.json").read_text())
    accuracy = {
        p["instance_id"]: full_stat(s)["sum"]  # compact files leave out a float sum
        for p in per_instance
        for s in p["stats"]
        if s["name"]["name"] == "exact_match"
    }
    assert len(accuracy) == 30
    # simple/model1 gives every sentence log-probability 0: each pair is a tie, which HELM v0.1 (the default
    # profile) counts as correct when the good sentence is among the best (HELM 0.5: half a point).
    assert set(accuracy.values()) == {1.0}
    stats = {
        s["name"]["name"]: s
        for s in json.loads((run_dir / "stats.json").read_text())
        if "perturbation" not in s["name"]
    }
    assert stats["exact_match"]["mean"] == 1.0
