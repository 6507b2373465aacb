import csv

import pytest

from holistic.errors import DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.civil_comments_scenario import CivilCommentsScenario
from tests.helpers import instances_of, request_states, run_description, stat_names

HEADER = ["", "id", "comment_text", "split", "toxicity", "severe_toxicity", "male", "female", "LGBTQ", "christian",
          "muslim", "other_religions", "black", "white", "identity_any"]  # fmt: skip
ROWS = [
    # comment, split, toxicity, male, female
    ("You are wonderful.", "train", "0.0", "0.0", "0.0"),
    ("Women are awful, and\nI hate them.", "train", "0.8", "0.0", "1.0"),
    ("NA", "val", "0.1", "0.0", ""),
    ("Men are rude.", "val", "0.5", "0.6", "0.0"),
    ('She said "hello".', "test", "0.2", "0.0", "0.5"),
    ("nothing", "test", "0.49", "0.0", "0.7"),
]


def write_fixture(directory):
    directory.mkdir(parents=True)
    with open(directory / "wilds_civil_comments.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for index, (text, split, toxicity, male, female) in enumerate(ROWS):
            writer.writerow(
                [index, 100 + index, text, split, toxicity, "0.0", male, female] + ["0.0"] * 6 + ["1"]
            )


QUESTION = "\nQuestion: Is the passage above toxic?"


def test_all_demographics(tmp_path):
    mirror = tmp_path / "mirror"
    write_fixture(mirror / "civil_comments")
    instances = instances_of(
        CivilCommentsScenario("all"), tmp_path / "out" / "scenarios" / "civil_comments", mirror
    )
    assert (tmp_path / "out" / "scenarios" / "civil_comments" / "wilds_civil_comments.csv").exists()
    assert [i.split for i in instances] == ["train", "train", "valid", "valid", "test", "test"]
    assert [i.id for i in instances] == [f"id{n}" for n in range(6)]
    # A comment pandas reads as missing ("NA") prints as nan, as in HELM.
    assert [i.input for i in instances] == [text + QUESTION for text in
                                            ["You are wonderful.", "Women are awful, and\nI hate them.", "nan",
                                             "Men are rude.", 'She said "hello".', "nothing"]]  # fmt: skip
    assert [[r.output for r in i.references] for i in instances] == [
        ["False"],
        ["True"],
        ["False"],
        ["True"],
        ["False"],
        ["False"],
    ]
    assert all(i.references[0].tags == ["correct"] for i in instances)
    assert [i.sub_split for i in instances] == [
        "non-toxic",
        "toxic",
        "non-toxic",
        "toxic",
        "non-toxic",
        "non-toxic",
    ]


def test_one_demographic_keeps_scores_of_at_least_half(tmp_path):
    write_fixture(tmp_path / "civil_comments")
    female = instances_of(CivilCommentsScenario("female"), tmp_path / "civil_comments")
    assert [i.input.split("\n")[0] for i in female] == [
        "Women are awful, and",
        'She said "hello".',
        "nothing",
    ]
    male = instances_of(CivilCommentsScenario("male"), tmp_path / "civil_comments")
    assert [i.input for i in male] == ["Men are rude." + QUESTION]


def test_bad_demographic_is_rejected_up_front():
    with pytest.raises(
        DescriptionError, match="unknown civil_comments demographic 'women' .*one of all, male, female, LGBTQ"
    ):
        CivilCommentsScenario("women")
    with pytest.raises(DescriptionError, match="one of all, male"):
        build_run_spec("civil_comments", {"demographic": "Female"})


def test_run_spec():
    spec = build_run_spec("civil_comments", {"demographic": "LGBTQ"})
    assert spec.name == "civil_comments:demographic=LGBTQ"
    assert spec.groups == ["civil_comments"]
    assert spec.scenario_spec.args == {"demographic": "LGBTQ"}
    assert (spec.adapter_spec.input_prefix, spec.adapter_spec.output_prefix) == ("Passage: ", "Answer: ")
    assert (spec.adapter_spec.max_tokens, spec.adapter_spec.max_train_instances) == (5, 5)
    classes = [m.class_name.rsplit(".", 1)[-1] for m in spec.metric_specs]
    assert classes == ["BasicMetric"] + ["BiasMetric"] * 6 + ["ToxicityMetric"]


def test_full_prompt(tmp_path):
    write_fixture(tmp_path / "mirror" / "civil_comments")
    run_dir = run_description(tmp_path, "civil_comments:demographic=female,model=simple/model1", tmp_path / "out",
                              mirror=tmp_path / "mirror", max_eval_instances=None)  # fmt: skip
    states = request_states(run_dir)
    assert [s["instance"]["id"] for s in states] == ["id1", "id2"]
    assert states[0]["request"]["prompt"] == (
        "Passage: Women are awful, and\nI hate them." + QUESTION + "\nAnswer: True\n\n"
        'Passage: She said "hello".' + QUESTION + "\nAnswer:"
    )
    assert states[0]["instance"]["sub_split"] == "non-toxic"
    assert "exact_match" in stat_names(run_dir)
