"""Math/reasoning run specs against the RunSpecs HELM v0.1.0 itself built (shared/reference expansion)."""

import dataclasses
import gzip
import json

import pytest

from holistic.cli.run import main as helm_run
from holistic.run_specs.construct import construct_run_specs

HELM_MODEL = "ai21_j1-jumbo"
# HELM's run name (model part left out) -> the description that builds it here.
CASES = {
    "gsm": "gsm",
    "math:subject=all,level=1,use_official_examples=True,use_chain_of_thought=False": (
        "math:subject=all,level=1,use_official_examples=True"
    ),
    "math:subject=precalculus,level=5,use_official_examples=False,use_chain_of_thought=True": (
        "math:subject=precalculus,level=5,use_chain_of_thought=True"
    ),
    "dyck_language_np=3": "dyck_language:num_parenthesis_pairs=3",
    "synthetic_reasoning_natural:difficulty=hard": "synthetic_reasoning_natural:difficulty=hard",
}


@pytest.fixture(scope="module")
def helm_expansion(shared_reference):
    specs = {}
    for conf in ("run_specs", "run_specs_big_bench_lite"):
        with gzip.open(shared_reference / "helm-0.1.0" / "expansion" / f"{conf}.jsonl.gz", "rt") as f:
            for line in f:
                spec = json.loads(line)
                specs.setdefault(spec["name"], spec)
    return specs


def _comparable(spec: dict) -> dict:
    spec = {k: v for k, v in spec.items() if not k.startswith("_")}
    spec["adapter_spec"] = {k: v for k, v in spec["adapter_spec"].items() if k != "model"}
    spec.pop("data_augmenter_spec", None)
    return spec


def _helm_name(name: str) -> str:
    return name + ("," if ":" in name else ":") + f"model={HELM_MODEL}"


@pytest.mark.parametrize("helm_name", CASES)
def test_run_spec_equals_helms(helm_name, helm_expansion):
    description = CASES[helm_name]
    (mine,) = construct_run_specs(description + ("," if ":" in description else ":") + "model=simple/model1")
    theirs = helm_expansion[_helm_name(helm_name)]
    mine_dict = _comparable(json.loads(json.dumps(dataclasses.asdict(mine))))
    mine_dict["name"] = mine_dict["name"].replace("simple_model1", HELM_MODEL)
    assert mine_dict == _comparable(theirs)


def test_list_scenarios_names_them_all(capsys):
    assert helm_run(["--list-scenarios"]) == 0
    listed = capsys.readouterr().out.split()
    for key in ("big_bench", "dyck_language", "empatheticdialogues", "gsm", "math", "numeracy", "synthetic_efficiency",
                "synthetic_reasoning_natural"):  # fmt: skip
        assert key in listed


BIG_BENCH = [
    ("auto_debugging", ""),  # generation, exact_str_match
    ("conlang_translation", "adna_from"),  # generation, bleu + rouge + exact_str_match
    ("logical_deduction", "three_objects"),  # multiple choice
    ("strategyqa", ""),
]


@pytest.mark.parametrize("task,subtask", BIG_BENCH)
def test_big_bench_run_spec_equals_helms(task, subtask, helm_expansion, shared_data, tmp_path):
    from holistic.run_specs._data_context import run_spec_data

    with run_spec_data(str(tmp_path / "out"), str(shared_data)):
        (mine,) = construct_run_specs(f"big_bench:task={task},subtask={subtask},model=simple/model1")
    name = f"big_bench:task={task}" + (f",subtask={subtask}" if subtask else "")
    theirs = helm_expansion[f"{name},model={HELM_MODEL},max_train_instances=0"]
    mine_dict = _comparable(json.loads(json.dumps(dataclasses.asdict(mine))))
    mine_dict["name"] = mine_dict["name"].replace("simple_model1", HELM_MODEL) + ",max_train_instances=0"
    theirs = _comparable(theirs)
    # HELM collects the BasicMetric names in a set, so their order varies from run to run.
    for spec in (mine_dict, theirs):
        spec["metric_specs"][0]["args"]["names"].sort()
    assert mine_dict == theirs
    assert (tmp_path / "out" / "scenarios" / "big_bench" / task / subtask / "task.json").is_file()


def test_synthetic_efficiency_run_spec_equals_helms(helm_expansion):
    description = (
        "synthetic_efficiency:model=simple/model1,tokenizer=ai21/j1,num_prompt_tokens=1,num_output_tokens=1"
    )
    (mine,) = construct_run_specs(description)
    helm_name = f"synthetic_efficiency:random=None,model={HELM_MODEL},tokenizer=ai21_j1,num_prompt_tokens=1,num_output_tokens=1"
    mine_dict = _comparable(json.loads(json.dumps(dataclasses.asdict(mine))))
    mine_dict["name"] = mine_dict["name"].replace("simple_model1", HELM_MODEL)
    assert mine_dict == _comparable(helm_expansion[helm_name])


def test_every_helm_entry_of_these_scenarios_builds_the_same_run_spec(helm_expansion, shared_data, tmp_path):
    """All of HELM v0.1.0's math, gsm, synthetic_reasoning_natural and BIG-bench-lite RunSpecs (one model; the
    BIG-bench ones with max_train_instances=0), rebuilt from their names."""
    from holistic.run_specs._data_context import run_spec_data

    keys = ("gsm", "math:", "synthetic_reasoning_natural:", "big_bench:")
    suffix = f",model={HELM_MODEL}"
    checked = 0
    for name, theirs in helm_expansion.items():
        if (
            not name.startswith(keys)
            or HELM_MODEL not in name
            or "max_train_instances=" in name.replace(f"{suffix},max_train_instances=0", suffix)
        ):
            continue
        description = name.replace(f"model={HELM_MODEL}", "model=ai21/j1-jumbo").replace(
            ",max_train_instances=0", ""
        )
        with run_spec_data(str(tmp_path / "out"), str(shared_data)):
            (mine,) = construct_run_specs(description)
        mine_dict = _comparable(json.loads(json.dumps(dataclasses.asdict(mine))))
        theirs = _comparable(theirs)
        theirs["name"] = theirs["name"].replace(",max_train_instances=0", "")
        for spec in (mine_dict, theirs):
            for metric in spec["metric_specs"]:
                if "names" in metric["args"] and spec["name"].startswith("big_bench"):
                    metric["args"]["names"].sort()  # a Python set in HELM
        assert mine_dict == theirs, name
        checked += 1
    assert checked == 1 + 72 + 2 + 63  # gsm, math (36 regular + 36 chain of thought), srn (2), BIG-bench lite
