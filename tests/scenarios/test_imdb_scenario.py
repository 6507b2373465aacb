import json
import logging

import pytest

from tests.helpers import UNREACHABLE, load_instances, request_states, run

CLASS = "helm.benchmark.scenarios.imdb_scenario.IMDBScenario"


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    # The pinned file order lives on CodaLab; the fixtures test what happens without it (and with it).
    import holistic.scenarios.imdb_scenario as module

    monkeypatch.setattr(module, "PINNED_ORDER_URL", UNREACHABLE + "/order.json")


def write_fixture(root):
    data = root / "imdb" / "data"
    reviews = {
        ("train", "pos"): {"10_9.txt": "Loved it. ", "2_8.txt": "Great film."},
        ("train", "neg"): {"3_1.txt": "Awful acting."},
        ("test", "pos"): {"0_10.txt": "A masterpiece."},
        ("test", "neg"): {"1_2.txt": "\nBoring.\n", "7_3.txt": "Too long."},
    }
    for (split, label), files in reviews.items():
        folder = data / split / label
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text)
    header = "Sentiment\tText\n"
    (data / "test_original.tsv").write_text(header + "Negative\tAwful acting.\n")
    (data / "test_contrast.tsv").write_text(header + "Positive\tAwesome acting.\n")
    (data / "dev_original.tsv").write_text(header + "Negative\tBoring.\n")
    (data / "dev_contrast.tsv").write_text(header + "Positive\tRiveting.\n")
    return root


def test_splits_order_and_contrast(tmp_path, caplog):
    mirror = write_fixture(tmp_path / "mirror")
    with caplog.at_level(logging.WARNING):
        instances = load_instances(CLASS, {"only_contrast": False}, tmp_path / "out", mirror)
    assert "file-number order" in caplog.text
    # pos before neg; file-number order within a folder (2 before 10); text stripped.
    assert [i.input for i in instances] == [
        "Great film.", "Loved it.", "Awful acting.", "A masterpiece.", "Boring.", "Too long.",
    ]  # fmt: skip
    assert [i.references[0].output for i in instances] == ["Positive"] * 2 + ["Negative", "Positive"] + [
        "Negative"
    ] * 2
    # The train review with a contrast version moves to valid.
    assert [i.split for i in instances] == ["train", "train", "valid", "valid", "valid", "valid"]
    assert instances[2].contrast_inputs == ["Awesome acting."]
    assert instances[2].contrast_references[0][0].output == "Positive"
    assert instances[4].contrast_inputs == ["Riveting."]
    assert [i.id for i in instances] == [f"id{n}" for n in range(6)]


def test_only_contrast(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    instances = load_instances(CLASS, {"only_contrast": "True"}, tmp_path / "out", mirror)
    assert [(i.input, i.split) for i in instances] == [
        ("Great film.", "train"), ("Loved it.", "train"), ("Awful acting.", "valid"), ("Boring.", "valid"),
    ]  # fmt: skip


def test_pinned_file_order_is_used_when_present(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    order = {
        "train": {"pos": ["10_9.txt", "2_8.txt"], "neg": ["3_1.txt"]},
        "valid": {"pos": ["0_10.txt"], "neg": ["7_3.txt", "1_2.txt"]},
    }
    (mirror / "imdb" / "data" / "imdb_scenario_pinned_file_order.json").write_text(json.dumps(order))
    instances = load_instances(CLASS, {}, tmp_path / "out", mirror)
    assert [i.input for i in instances] == [
        "Loved it.",
        "Great film.",
        "Awful acting.",
        "A masterpiece.",
        "Too long.",
        "Boring.",
    ]


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    states = request_states(run(tmp_path, "imdb:model=simple/model1", mirror))
    assert {s["instance"]["input"] for s in states} == {
        "Awful acting.",
        "A masterpiece.",
        "Boring.",
        "Too long.",
    }
    state = next(s for s in states if s["instance"]["input"] == "Boring.")
    examples = (
        "Passage: Great film.\nSentiment: Positive\n\n",
        "Passage: Loved it.\nSentiment: Positive\n\n",
    )
    tail = "Passage: Boring.\nSentiment:"
    assert state["request"]["prompt"] in (examples[0] + examples[1] + tail, examples[1] + examples[0] + tail)


@pytest.mark.slow
def test_runs_on_shared_data(tmp_path, shared_data):
    run_dir = run(tmp_path, "imdb:only_contrast=True,model=simple/model1", shared_data, 5)
    states = request_states(run_dir)
    assert len(states) == 5
    assert all(s["instance"]["contrast_inputs"] for s in states)
    assert all(s["request"]["prompt"].endswith("\nSentiment:") for s in states)
