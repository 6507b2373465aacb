import csv
import json

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.raft_scenario import (
    SUBSETS,
    get_raft_instructions,
    prompt_settings,
    train_test_indices,
)
from tests.helpers import load_instances, request_states, run

CLASS = "helm.benchmark.scenarios.raft_scenario.RAFTScenario"
LABELS = ["TAI safety research", "not TAI safety research"]


def write_fixture(root, num_rows=10, numeric_labels=False):
    """tai_safety_research in the HF repo layout: data/<subset>/train.csv (+ task.json)."""
    folder = root / "raft" / "data" / "tai_safety_research"
    folder.mkdir(parents=True)
    columns = [
        "Title",
        "Abstract Note",
        "Url",
        "Publication Year",
        "Item Type",
        "Author",
        "Publication Title",
        "Label",
        "ID",
    ]
    with open(folder / "train.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for i in range(num_rows):
            label = str(1 + i % 2) if numeric_labels else LABELS[i % 2]
            writer.writerow(
                [f"Paper {i}", f"Abstract, with comma {i}", "u", "2020", "journalArticle", "A", "", label, i]
            )
    task = {
        "name": "tai_safety_research",
        "data_columns": columns[:-2] + ["ID"],
        "label_columns": {"Label": LABELS},
    }
    (folder / "task.json").write_text(json.dumps(task))
    return root


def test_split_is_a_permutation_with_80_percent_test():
    train, test = train_test_indices(50)
    assert len(train) == 10 and len(test) == 40
    assert sorted(train + test) == list(range(50))
    assert train_test_indices(50) == (train, test)
    assert train_test_indices(50, seed=1) != (train, test)


def test_instances_fields_and_labels(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    instances = load_instances(CLASS, {"subset": "tai_safety_research"}, tmp_path / "out", mirror)
    train, test = train_test_indices(10)
    assert [i.split for i in instances] == ["train"] * 2 + ["test"] * 8
    assert [int(i.input.split("\n")[0].split()[-1]) for i in instances] == train + test
    n = train[0]
    assert instances[0].input == (
        f"Title: Paper {n}\nAbstract Note: Abstract, with comma {n}\nPublication Title: \n"
        "Item Type: journalArticle\nPublication Year: 2020"
    )
    assert instances[0].references[0].output == LABELS[n % 2] and instances[0].references[0].is_correct


def test_numeric_labels_use_class_names(tmp_path):
    mirror = write_fixture(tmp_path / "mirror", numeric_labels=True)
    named = load_instances(
        CLASS, {"subset": "tai_safety_research"}, tmp_path / "a", write_fixture(tmp_path / "m2")
    )
    numbered = load_instances(CLASS, {"subset": "tai_safety_research"}, tmp_path / "b", mirror)
    assert [i.references[0].output for i in numbered] == [i.references[0].output for i in named]


def test_missing_column_is_a_data_error(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    path = mirror / "raft" / "data" / "tai_safety_research" / "train.csv"
    path.write_text("Title,Label\nx,y\n")
    with pytest.raises(DataError, match="missing column\\(s\\) Abstract Note"):
        load_instances(CLASS, {"subset": "tai_safety_research"}, tmp_path / "out", mirror)


def test_prompt_settings_cover_every_subset():
    settings = prompt_settings()
    assert sorted(settings["field_ordering"]) == sorted(SUBSETS) == sorted(settings["instructions"])
    assert get_raft_instructions("banking_77").startswith(
        "The following is a banking customer service query."
    )


def test_run_spec():
    spec = build_run_spec("raft", {"subset": "overruling"})
    assert spec.name == "raft:subset=overruling"
    assert spec.adapter_spec.instructions == get_raft_instructions("overruling") + "\n"
    assert (
        spec.adapter_spec.input_prefix,
        spec.adapter_spec.output_prefix,
        spec.adapter_spec.max_tokens,
    ) == ("", "Label: ", 30)
    with pytest.raises(DescriptionError, match="unknown RAFT subset 'ade'"):
        build_run_spec("raft", {"subset": "ade"})


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    states = request_states(run(tmp_path, "raft:subset=tai_safety_research,model=simple/model1", mirror, 1))
    (state,) = states
    prompt = state["request"]["prompt"]
    assert prompt.startswith(get_raft_instructions("tai_safety_research") + "\n\nTitle: Paper ")
    n = state["instance"]["input"].split("\n")[0].split()[-1]
    assert prompt.endswith(
        f"\n\nTitle: Paper {n}\nAbstract Note: Abstract, with comma {n}\nPublication Title: \nItem Type: journalArticle\n"
        "Publication Year: 2020\nLabel:"
    )
    assert prompt.count("\nLabel: ") == 2  # both train rows are in-context examples


@pytest.mark.slow
@pytest.mark.parametrize("subset", SUBSETS)
def test_runs_on_shared_data(tmp_path, shared_data, subset):
    states = request_states(run(tmp_path, f"raft:subset={subset},model=simple/model1", shared_data, 3))
    assert len(states) == 3 and all(s["instance"]["split"] == "test" for s in states)
    instructions = get_raft_instructions(subset)
    # terms_of_service's instructions alone exceed simple/model1's window, so prompts may be cut short.
    assert all(s["request"]["prompt"].startswith(instructions[: len(s["request"]["prompt"])]) for s in states)
