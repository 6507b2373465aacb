"""Summarization scenario: HELM's pickle container, Hugging Face JSONL rows, filters, the missing train split."""

import json
import pickle

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios import create_scenario
from holistic.scenarios.summarization_scenario import clean_and_truncate, is_filtered_xsum_example
from holistic.specs import AdapterSpec, ScenarioSpec
from tests.helpers import load_instances

CLASS = "helm.benchmark.scenarios.summarization_scenario.SummarizationScenario"
ARGS = {"sampling_min_length": 50, "sampling_max_length": 150, "doc_max_length": 512}
LONG_ARTICLE = " ".join(f"w{i}" for i in range(60))  # 60 words: inside the 50..150 train window


def xsum_row(document: str, summary: str) -> dict:
    return {"document": document, "summary": summary, "id": "1"}


def test_helm_pickle_container_with_all_splits(tmp_path):
    good_summary = "one two three four five six seven eight nine ten eleven"  # 11 words
    dataset = {
        "train": [
            xsum_row(LONG_ARTICLE, good_summary),
            xsum_row("too short", good_summary),  # under 50 words
            xsum_row(LONG_ARTICLE, "only ten words here one two three four five six"),  # <= 10 words
            xsum_row("Media playback is unsupported on your device " + LONG_ARTICLE, good_summary),
        ],
        "validation": [xsum_row("short\n valid  doc", "s")],
        "test": [xsum_row("a\nb   c", " sum\nmary ")],
    }
    data = tmp_path / "mirror" / "summarization" / "data"
    data.mkdir(parents=True)
    (data / "xsum.pk").write_bytes(pickle.dumps(dataset))
    instances = load_instances(CLASS, {"dataset_name": "xsum", **ARGS}, tmp_path / "out", tmp_path / "mirror")
    assert [(i.split, i.input) for i in instances] == [
        ("train", LONG_ARTICLE),
        ("valid", "short valid doc"),
        ("test", "a b c"),
    ]
    assert [r.output for r in instances[2].references] == ["sum mary"]
    assert instances[2].references[0].is_correct


def test_cnndm_pickle_uses_article_and_highlights(tmp_path):
    data = tmp_path / "out" / "scenarios" / "summarization" / "data"
    data.mkdir(parents=True)
    row = {"article": "An article.", "highlights": "A highlight.\nAnother one.", "id": "x"}
    (data / "cnndm.pk").write_bytes(pickle.dumps({"train": [], "validation": [], "test": [row]}))
    (instance,) = load_instances(CLASS, {"dataset_name": "cnn-dm", **ARGS}, tmp_path / "out")
    assert (instance.input, instance.references[0].output) == ("An article.", "A highlight. Another one.")


def test_hugging_face_rows_without_train_split_need_zero_in_context_examples(tmp_path):
    data = tmp_path / "mirror" / "summarization" / "data"
    data.mkdir(parents=True)
    rows = [xsum_row(f"doc {i}", f"sum {i}") for i in range(3)]
    (data / "xsum_test_subset.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    scenario = create_scenario(ScenarioSpec(CLASS, {"dataset_name": "xsum", **ARGS}))
    scenario.output_path = str(tmp_path / "out" / "scenarios" / "summarization")
    scenario.data_mirror = str(tmp_path / "mirror")
    instances = scenario.get_instances()
    assert [(i.split, i.input) for i in instances] == [
        ("test", "doc 0"),
        ("test", "doc 1"),
        ("test", "doc 2"),
    ]
    with pytest.raises(DataError, match="no train split.*max_train_instances=0"):
        scenario.check_adapter_spec(AdapterSpec(max_train_instances=5))
    scenario.check_adapter_spec(AdapterSpec(max_train_instances=0))


def test_shared_xsum_rows(shared_data, tmp_path):
    instances = load_instances(CLASS, {"dataset_name": "xsum", **ARGS}, tmp_path / "out", shared_data)
    assert len(instances) == 1000 and {i.split for i in instances} == {"test"}
    assert all("\n" not in i.input and len(i.input.split()) <= 512 for i in instances)


def test_helpers():
    assert clean_and_truncate("a\nb  c d", 3) == "a b c"
    assert is_filtered_xsum_example("Last updated at noon " + LONG_ARTICLE, "x " * 11)
    assert not is_filtered_xsum_example(LONG_ARTICLE, "x " * 11)
    assert is_filtered_xsum_example(" ".join(["w"] * 50), "x " * 11)  # 11/50 > 0.2


def test_unreadable_pickle_is_a_data_error(tmp_path):
    data = tmp_path / "out" / "scenarios" / "summarization" / "data"
    data.mkdir(parents=True)
    (data / "xsum.pk").write_bytes(b"not a pickle")
    with pytest.raises(DataError, match="xsum.pk"):
        load_instances(CLASS, {"dataset_name": "xsum", **ARGS}, tmp_path / "out")


def test_run_specs():
    xsum = build_run_spec("summarization_xsum", {})
    assert xsum.name == "summarization_xsum:temperature=0.3,device=cpu"
    assert xsum.adapter_spec.output_prefix == "Summarize the above article in 1 sentence.\n"
    assert (xsum.adapter_spec.max_tokens, xsum.adapter_spec.temperature) == (64, 0.3)
    assert xsum.metric_specs[0].args == {"task": "summarization_xsum", "device": "cpu"}
    cnndm = build_run_spec("summarization_cnndm", {"temperature": "0"})
    assert cnndm.adapter_spec.output_prefix == "Summarize the above article in 3 sentences.\n"
    assert cnndm.scenario_spec.args["dataset_name"] == "cnn-dm"
    sampled = build_run_spec("summarization_xsum_sampled", {})
    assert sampled.name.startswith("summarization_xsum_sampled:") and sampled.groups == ["summarization_xsum"]
    with pytest.raises(DescriptionError, match="temperature"):
        build_run_spec("summarization_xsum", {"temperature": "hot"})
    with pytest.raises(DescriptionError, match="dataset"):
        create_scenario(ScenarioSpec(CLASS, {"dataset_name": "gigaword"}))
