import csv
import io
import tarfile
import zipfile

import pytest

from holistic.errors import DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.entity_data_imputation_scenario import EntityDataImputationScenario
from tests.helpers import instances_of, request_states, run_description

BUY_ROWS = 25  # 24 with a description: 2 test (round(2.4)), 4 valid (round(22 * 0.2)), 18 train


def buy_rows():
    rows = []
    for n in range(BUY_ROWS):
        description = "" if n == 3 else f"desc {n}, fine"
        manufacturer = "" if n == 5 else f"maker{n % 4}"
        price = "" if n == 7 else (f"{n}" if n % 2 else f"{n}.5")
        rows.append([1000 + n, f"item {n}", description, manufacturer, price])
    return rows


def write_buy_zip(path):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["id", "name", "description", "manufacturer", "price"])
    writer.writerows(buy_rows())
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("Buy.csv", text.getvalue())
        z.writestr("Abt.csv", "id,name\n1,x\n")


ARFF = """@relation restaurant

@attribute name string
@attribute addr string
@attribute city string
@attribute phone string
@attribute type string
@attribute class string

@data
{rows}
"""


def restaurant_lines():
    lines = []
    for n in range(12):
        city = "" if n == 4 else ("los angeles" if n % 3 else "new york")
        lines.append(f'"place {n} ","{n} main st.","{city}","310-555-{n:04d}","american",\'{n}\'')
    return lines


def write_restaurant_tar(path):
    content = ARFF.format(rows="\n".join(restaurant_lines())).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("restaurant/fz.arff")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))


def by_split(instances):
    result = {}
    for instance in instances:
        result.setdefault(instance.split, []).append(instance)
    return result


def test_buy_splits_and_serialization(tmp_path):
    data = tmp_path / "entity_data_imputation" / "data"
    data.mkdir(parents=True)
    buy = data / "Buy"
    buy.mkdir()
    write_buy_zip(tmp_path / "buy.zip")
    zipfile.ZipFile(tmp_path / "buy.zip").extractall(buy)
    instances = instances_of(EntityDataImputationScenario("Buy"), tmp_path / "entity_data_imputation")
    splits = by_split(instances)
    assert [len(splits[s]) for s in ("train", "valid", "test")] == [18, 4, 2]
    assert [i.split for i in instances] == ["train"] * 18 + ["valid"] * 4 + ["test"] * 2
    # Rows drawn by pandas 1.5.3's DataFrame.sample(frac, random_state=1234), in its order.
    names = lambda split: [i.input.split(".")[0] for i in splits[split]]  # noqa: E731
    # (Checked by running HELM's pandas code on this fixture.)
    assert names("test") == ["name: item 8", "name: item 17"]
    assert names("valid") == ["name: item 9", "name: item 15", "name: item 2", "name: item 4"]
    assert "name: item 3" not in names("train")  # no description
    first = instances[0]
    assert first.input == "name: item 0. description: desc 0, fine. price: 0.5. manufacturer?"
    assert [r.output for r in first.references] == ["maker0"] and first.references[0].tags == ["correct"]
    # An integer column with a missing cell is float in pandas (1 -> 1.0, missing -> nan).
    by_name = {i.input.split(".")[0]: i for i in instances}
    assert (
        by_name["name: item 1"].input == "name: item 1. description: desc 1, fine. price: 1.0. manufacturer?"
    )
    assert "price: nan" in by_name["name: item 7"].input
    assert by_name["name: item 5"].references[0].output == "nan"


def test_restaurant_from_mirror_archive_layout(tmp_path):
    # A mirror holds what the download leaves: the unpacked archive at data/Restaurant.
    mirror = tmp_path / "mirror"
    target = mirror / "entity_data_imputation" / "data"
    target.mkdir(parents=True)
    write_restaurant_tar(tmp_path / "restaurant.tar.gz")
    with tarfile.open(tmp_path / "restaurant.tar.gz") as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (tmp_path / "unpacked" / "restaurant").rename(target / "Restaurant")
    instances = instances_of(
        EntityDataImputationScenario("Restaurant"),
        tmp_path / "out" / "scenarios" / "entity_data_imputation",
        mirror,
    )
    # 11 rows with a city: 1 test (round(1.1)), 2 valid (round(2.0)), 8 train.
    assert [i.split for i in instances] == ["train"] * 8 + ["valid"] * 2 + ["test"]
    assert [i.input.split(".")[0] for i in instances[8:]] == [
        "name: place 8",
        "name: place 2",
        "name: place 9",
    ]
    assert instances[0].input == "name: place 0. addr: 0 main st.. phone: 310-555-0000. type: american. city?"
    assert instances[0].references[0].output == "new york"
    assert all("place 4" not in i.input for i in instances)


def test_bad_dataset():
    with pytest.raises(
        DescriptionError, match="unknown entity_data_imputation dataset 'buy' \\(one of Buy, Restaurant\\)"
    ):
        EntityDataImputationScenario("buy")
    with pytest.raises(DescriptionError, match="one of Buy, Restaurant"):
        build_run_spec("entity_data_imputation", {"dataset": "Abt"})


def test_run_spec_and_full_prompt(tmp_path):
    spec = build_run_spec("entity_data_imputation", {"dataset": "Restaurant"})
    assert spec.name == "entity_data_imputation:dataset=Restaurant"
    assert spec.groups == ["entity_data_imputation"]
    assert spec.adapter_spec.instructions == "What is the missing value?\n"
    assert (spec.adapter_spec.input_prefix, spec.adapter_spec.output_prefix) == ("", "Answer: ")

    data = tmp_path / "out" / "scenarios" / "entity_data_imputation" / "data"
    data.mkdir(parents=True)
    write_restaurant_tar(tmp_path / "restaurant.tar.gz")
    with tarfile.open(tmp_path / "restaurant.tar.gz") as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (tmp_path / "unpacked" / "restaurant").rename(data / "Restaurant")
    run_dir = run_description(
        tmp_path, "entity_data_imputation:dataset=Restaurant,model=simple/model1", tmp_path / "out"
    )
    states = request_states(run_dir)
    assert len(states) == 3
    prompt = states[0]["request"]["prompt"]
    assert prompt.startswith("What is the missing value?\n\nname: place ")
    assert prompt.endswith(f"{states[0]['instance']['input']}\nAnswer:")
    assert prompt.count("\nAnswer: ") == 5  # five in-context rows
    blocks = prompt.split("\n\n")
    assert len(blocks) == 7 and blocks[1].split("\n")[1] in ("Answer: new york", "Answer: los angeles")
