import json

import pytest

from holistic.errors import DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.wikifact_scenario import RELATIONS, WIKIFactScenario
from tests.helpers import instances_of, request_states, run_description

FACTS = {
    "train": [
        {
            "property": "P31",
            "template": "Doug Eckerty is an instance of",
            "result_names": [["human", " person "]],
        },
        {"property": "P19", "template": "Ada Lovelace was born in", "result_names": [["London"]]},
    ],
    "dev": [
        {
            "property": "P31",
            "template": "Chegerd is an instance of",
            "result_names": [["village"], ["settlement", ["hamlet"]]],
        },
    ],
    "test": [
        {"property": "P19", "template": "Alan Turing was born in", "result_names": [["Maida Vale"]]},
        {"property": "P31", "template": "S. George Ellsworth is an instance of", "result_names": [["human"]]},
    ],
}


def write_fixture(directory):
    (directory / "data").mkdir(parents=True)
    for split, facts in FACTS.items():
        (directory / "data" / f"{split}.jsonl").write_text("".join(json.dumps(f) + "\n" for f in facts))


def test_instances_of_one_relation(tmp_path):
    write_fixture(tmp_path / "wikifact")
    instances = instances_of(WIKIFactScenario("instance_of"), tmp_path / "wikifact")
    assert [(i.id, i.split, i.input) for i in instances] == [
        ("id0", "train", "Doug Eckerty is an instance of"),
        ("id1", "valid", "Chegerd is an instance of"),
        ("id2", "test", "S. George Ellsworth is an instance of"),
    ]
    assert [r.output for r in instances[0].references] == ["human", "person"]
    assert [r.output for r in instances[1].references] == ["village", "settlement", "hamlet"]
    assert all(r.tags == ["correct"] for i in instances for r in i.references)
    born = instances_of(WIKIFactScenario("place_of_birth"), tmp_path / "wikifact")
    assert [i.input for i in born] == ["Ada Lovelace was born in", "Alan Turing was born in"]


def test_relations_and_errors():
    assert len(RELATIONS) == 86
    assert (RELATIONS["place_of_birth"], RELATIONS["part_of"], RELATIONS["currency"]) == (
        "P19",
        "P361",
        "P38",
    )
    with pytest.raises(
        DescriptionError, match="unknown wikifact subject 'birthplace' \\(one of genre, instrument"
    ):
        WIKIFactScenario("birthplace")
    with pytest.raises(DescriptionError, match="k must be a positive integer .* not 'many'"):
        build_run_spec("wikifact", {"k": "many", "subject": "author"})
    with pytest.raises(DescriptionError, match="missing argument 'k'"):
        build_run_spec("wikifact", {"subject": "author"})


def test_run_spec_and_full_prompt(tmp_path):
    spec = build_run_spec("wikifact", {"k": "2", "subject": "instance_of"})
    assert spec.name == "wikifact:k=2,subject=instance_of"
    assert spec.scenario_spec.args == {"subject": "instance_of"}
    assert spec.groups == ["wikifact"]
    adapter = spec.adapter_spec
    assert (adapter.num_outputs, adapter.temperature, adapter.max_tokens, adapter.max_train_instances) == (
        2,
        1.0,
        8,
        5,
    )
    assert (adapter.input_prefix, adapter.input_suffix, adapter.output_prefix, adapter.output_suffix) == (
        "",
        "",
        " ",
        "\n",
    )

    write_fixture(tmp_path / "out" / "scenarios" / "wikifact")
    run_dir = run_description(
        tmp_path, "wikifact:k=2,subject=instance_of,model=simple/model1", tmp_path / "out"
    )
    states = request_states(run_dir)
    assert [s["instance"]["id"] for s in states] == ["id1", "id2"]
    assert (
        states[0]["request"]["prompt"] == "Doug Eckerty is an instance of human\n\nChegerd is an instance of"
    )
    assert states[0]["request"]["num_completions"] == 2
