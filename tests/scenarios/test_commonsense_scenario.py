import json
import zipfile

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from tests.helpers import load_instances, request_states, run, serve_directory

CLASS = "helm.benchmark.scenarios.commonsense_scenario.CommonSenseScenario"


def jsonl(items):
    return "".join(json.dumps(i) + "\n" for i in items)


def hellaswag_item(i, ctx_b="then they jump.", label=1):
    return {"ind": i, "activity_label": "Sports", "ctx_a": f"A man runs {i}.", "ctx_b": ctx_b, "ctx": "", "split": "train",
            "split_type": "indomain", "source_id": "x", "endings": [f"e{i}0", f"e{i}1", f"e{i}2", f"e{i}3"], "label": label}  # fmt: skip


def lettered_item(i, letters="ABCD", key="B"):
    choices = [{"text": f"choice {i}{letter}", "label": letter} for letter in letters]
    return {"id": str(i), "question": {"stem": f"Stem {i}?", "choices": choices}, "answerKey": key}


def write_mirror(root):
    base = root / "commonsense" / "data"
    (base / "hellaswag").mkdir(parents=True)
    (base / "hellaswag" / "hellaswag_train.jsonl").write_text(
        jsonl([hellaswag_item(0), hellaswag_item(1, ctx_b="")])
    )
    (base / "hellaswag" / "hellaswag_val.jsonl").write_text(jsonl([hellaswag_item(2, label=3)]))
    main = base / "openbookqa" / "OpenBookQA-V1-Sep2018" / "Data" / "Main"
    main.mkdir(parents=True)
    (main / "train.jsonl").write_text(jsonl([lettered_item(0), lettered_item(1, key="D")]))
    (main / "test.jsonl").write_text(jsonl([lettered_item(2, key="A")]))
    (base / "commonsenseqa").mkdir()
    (base / "commonsenseqa" / "commonsenseqa_train.jsonl").write_text(jsonl([lettered_item(0, "ABCDE", "E")]))
    (base / "commonsenseqa" / "commonsenseqa_val.jsonl").write_text(jsonl([lettered_item(1, "ABCDE", "C")]))
    (base / "piqa").mkdir()
    for split in ("train", "val"):
        (base / "piqa" / f"piqa_{split}_raw.jsonl").write_text(
            jsonl(
                [
                    {"goal": f"{split} goal", "sol1": "same", "sol2": "same"},
                    {"goal": "g2", "sol1": "a", "sol2": "b"},
                ]
            )
        )
        (base / "piqa" / f"piqa_{split}_labels.lst").write_text("0\n1\n")
    return root


def test_hellaswag(tmp_path):
    instances = load_instances(
        CLASS, {"dataset": "hellaswag"}, tmp_path / "out", write_mirror(tmp_path / "m")
    )
    assert [i.split for i in instances] == ["train", "train", "valid"]
    assert instances[0].input == "Sports: A man runs 0. Then they jump."
    assert instances[1].input == "Sports: A man runs 1. "  # empty ctx_b leaves HELM's trailing space
    assert [r.is_correct for r in instances[2].references] == [False, False, False, True]


def test_openbookqa_and_commonsenseqa(tmp_path):
    mirror = write_mirror(tmp_path / "m")
    obqa = load_instances(CLASS, {"dataset": "openbookqa"}, tmp_path / "out", mirror)
    assert [(i.input, i.split, i.first_correct_reference.output) for i in obqa] == [
        ("Stem 0?", "train", "choice 0B"), ("Stem 1?", "train", "choice 1D"), ("Stem 2?", "test", "choice 2A"),
    ]  # fmt: skip
    csqa = load_instances(CLASS, {"dataset": "commonsenseqa"}, tmp_path / "out", mirror)
    assert [(len(i.references), i.split, i.first_correct_reference.output) for i in csqa] == [
        (5, "train", "choice 0E"), (5, "valid", "choice 1C"),
    ]  # fmt: skip


def test_piqa_tags_every_equal_answer(tmp_path):
    instances = load_instances(CLASS, {"dataset": "piqa"}, tmp_path / "out", write_mirror(tmp_path / "m"))
    assert [i.split for i in instances] == ["train", "train", "valid", "valid"]
    assert [r.is_correct for r in instances[0].references] == [True, True]  # string-equal answers, as HELM
    assert [r.is_correct for r in instances[1].references] == [False, True]


def test_siqa_downloads_and_unzips(tmp_path, monkeypatch):
    import holistic.scenarios.commonsense_scenario as module

    served = tmp_path / "served"
    served.mkdir()
    item = {
        "context": "Tracy went home.",
        "question": "Why?",
        "answerA": "tired",
        "answerB": "hungry",
        "answerC": "bored",
    }
    with zipfile.ZipFile(served / "siqa.zip", "w") as z:
        for name in ("train", "dev"):
            z.writestr(f"socialiqa-train-dev/{name}.jsonl", jsonl([item]))
            z.writestr(f"socialiqa-train-dev/{name}-labels.lst", "3\n")
        z.writestr("__MACOSX/._socialiqa-train-dev", "")
    with serve_directory(served) as url:
        monkeypatch.setattr(module, "SIQA_URL", f"{url}/siqa.zip")
        instances = load_instances(CLASS, {"dataset": "siqa"}, tmp_path / "out", None)
    assert [(i.input, i.split, i.first_correct_reference.output) for i in instances] == [
        ("Tracy went home. Why?", "train", "bored"), ("Tracy went home. Why?", "valid", "bored"),
    ]  # fmt: skip


def test_bad_answer_key_is_a_data_error(tmp_path):
    mirror = write_mirror(tmp_path / "m")
    path = mirror / "commonsense" / "data" / "commonsenseqa" / "commonsenseqa_train.jsonl"
    path.write_text(jsonl([lettered_item(0, "ABCDE", "F")]))
    with pytest.raises(DataError, match="bad answerKey"):
        load_instances(CLASS, {"dataset": "commonsenseqa"}, tmp_path / "out", mirror)


def test_run_spec():
    spec = build_run_spec("commonsense", {"dataset": "piqa", "method": "multiple_choice_separate_original"})
    assert spec.name == "commonsense:dataset=piqa,method=multiple_choice_separate_original"
    assert spec.groups == ["piqa"]
    with pytest.raises(DescriptionError, match="unknown commonsense dataset 'arc'"):
        build_run_spec("commonsense", {"dataset": "arc", "method": "multiple_choice_joint"})
    with pytest.raises(DescriptionError, match="missing argument 'method'"):
        build_run_spec("commonsense", {"dataset": "piqa"})


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_mirror(tmp_path / "m")
    states = request_states(
        run(
            tmp_path, "commonsense:dataset=hellaswag,method=multiple_choice_joint,model=simple/model1", mirror
        )
    )
    (state,) = states
    prompt = state["request"]["prompt"]
    assert prompt.startswith(
        "The following are multiple choice questions (with answers) about common sense.\n\nQuestion: Sports: "
    )
    assert prompt.endswith(
        "\n\nQuestion: Sports: A man runs 2. Then they jump.\nA. e20\nB. e21\nC. e22\nD. e23\nAnswer:"
    )
    assert (
        "Question: Sports: A man runs 0. Then they jump.\nA. e00\nB. e01\nC. e02\nD. e03\nAnswer: B\n\n"
        in prompt
    )
