import csv
import io
import zipfile

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.entity_matching_scenario import EntityMatchingScenario, dataset_url
from tests.helpers import instances_of, request_states, run_description

TABLE_A = [["id", "title", "manufacturer", "price"]] + [
    [n, f"thing {n}", "" if n == 2 else f"brand{n}", f"{n}.99" if n % 2 else f"{n}"] for n in range(6)
]
TABLE_B = [["id", "title", "manufacturer", "price"]] + [
    [10 + n, f"other {n}", f"brand{n}", f"{n * 2}"] for n in range(6)
]
# (ltable_id, rtable_id, label); pandas 1.x orders merged rows by first appearance of ltable_id, then rtable_id.
TRAIN = [
    (3, 13, 1),
    (1, 10, 0),
    (3, 11, 0),
    (0, 10, 1),
    (5, 12, 0),
    (1, 15, 1),
    (2, 14, 0),
    (4, 14, 0),
    (0, 12, 0),
]
VALID = [(4, 15, 0), (2, 12, 1), (4, 14, 1), (9, 10, 0)]  # id 9 is not in table A: dropped by the inner join
TEST = [(5, 11, 0), (1, 11, 1), (5, 13, 0)]


def csv_text(rows):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue()


def write_zip(path):
    labels = [["ltable_id", "rtable_id", "label"]]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("exp_data/tableA.csv", csv_text(TABLE_A))
        z.writestr("exp_data/tableB.csv", csv_text(TABLE_B))
        for name, rows in (("train", TRAIN), ("valid", VALID), ("test", TEST)):
            z.writestr(f"exp_data/{name}.csv", csv_text(labels + [list(r) for r in rows]))


def place(root, dataset="Beer"):
    """The download cache layout: the zip's single directory unpacked to data/<dataset>."""
    root.parent.mkdir(parents=True, exist_ok=True)
    write_zip(root.parent / "em.zip")
    zipfile.ZipFile(root.parent / "em.zip").extractall(root.parent / "unzipped")
    (root / "data").mkdir(parents=True)
    (root.parent / "unzipped" / "exp_data").rename(root / "data" / dataset)


def pair_ids(instance):
    a = instance.input.split("Product A is title: thing ")[1].split(".")[0]
    b = instance.input.split("Product B is title: other ")[1].split(".")[0]
    return int(a), 10 + int(b)


def test_instances(tmp_path):
    place(tmp_path / "entity_matching")
    instances = instances_of(EntityMatchingScenario("Beer"), tmp_path / "entity_matching")
    assert [i.split for i in instances] == ["train"] * 6 + ["valid"] * 3 + ["test"] * 3
    # Checked by running HELM's pandas 1.5.3 code on this fixture (NumPy seeded 0 for the train balancing).
    # Train: three sampled non-matches, then the three matches shuffled.
    assert [pair_ids(i) for i in instances[:6]] == [(4, 14), (0, 12), (1, 10), (1, 15), (3, 13), (0, 10)]
    assert [pair_ids(i) for i in instances[6:9]] == [(4, 15), (4, 14), (2, 12)]
    # Grouped by ltable_id in the first merge, then by rtable_id in the second.
    assert [pair_ids(i) for i in instances[9:]] == [(5, 11), (1, 11), (5, 13)]
    labels = [i.references[0].output for i in instances]
    assert labels == ["No", "No", "No", "Yes", "Yes", "Yes", "No", "Yes", "Yes", "No", "Yes", "No"]
    assert all(i.references[0].tags == ["correct"] for i in instances)
    valid_2_12 = instances[8]
    assert valid_2_12.input == (
        "Product A is title: thing 2. manufacturer: nan. price: 2.0. "
        "Product B is title: other 2. manufacturer: brand2. price: 4. Are A and B the same?"
    )


def test_url_and_errors(tmp_path):
    assert dataset_url("Dirty_iTunes_Amazon") == (
        "http://pages.cs.wisc.edu/~anhai/data1/deepmatcher_data/Dirty/iTunes-Amazon/dirty_itunes_amazon_exp_data.zip"
    )
    with pytest.raises(
        DescriptionError, match="unknown entity_matching dataset 'beer' \\(one of Beer, iTunes_Amazon"
    ):
        EntityMatchingScenario("beer")
    with pytest.raises(DescriptionError, match="one of Beer"):
        build_run_spec("entity_matching", {"dataset": "Abt-Buy"})
    place(tmp_path / "entity_matching")
    train = tmp_path / "entity_matching" / "data" / "Beer" / "train.csv"
    train.write_text("ltable_id,rtable_id,label\n1,10,1\n0,10,0\n")
    with pytest.raises(DataError, match="fewer matches than non-matches"):
        instances_of(EntityMatchingScenario("Beer"), tmp_path / "entity_matching")


def test_run_spec_and_full_prompt(tmp_path):
    spec = build_run_spec("entity_matching", {"dataset": "Abt_Buy"})
    assert spec.name == "entity_matching:dataset=Abt_Buy"
    assert spec.groups == ["entity_matching"]
    assert spec.adapter_spec.instructions == "Are Product A and Product B the same? Yes or No?\n"
    assert [m.args.get("names") for m in spec.metric_specs][0][0] == "exact_match"

    mirror = tmp_path / "mirror"
    place(mirror / "entity_matching", "Abt_Buy")
    run_dir = run_description(
        tmp_path, "entity_matching:dataset=Abt_Buy,model=simple/model1", tmp_path / "out", mirror
    )
    states = request_states(run_dir)
    assert len(states) == 5
    prompt = states[0]["request"]["prompt"]
    blocks = prompt.split("\n\n")
    assert blocks[0] == "Are Product A and Product B the same? Yes or No?"
    assert len(blocks) == 7  # instructions, five examples, the question
    assert sorted(b.rsplit("\n", 1)[1] for b in blocks[1:6]).count("Answer: Yes") in (2, 3)
    assert blocks[6] == states[0]["instance"]["input"] + "\nAnswer:"
