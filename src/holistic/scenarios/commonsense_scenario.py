"""Commonsense multiple choice: HellaSwag, OpenBookQA, CommonsenseQA, PIQA and SIQA (§6.2 commonsense)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from holistic.errors import DataError
from holistic.scenarios.base import (
    CORRECT_TAG,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    Reference,
    Scenario,
)
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import check_choice

DATASETS = ("hellaswag", "openbookqa", "commonsenseqa", "piqa", "siqa")
SPLITS = {"train": TRAIN_SPLIT, "val": VALID_SPLIT, "test": TEST_SPLIT}

HELLASWAG_URL = "https://raw.githubusercontent.com/rowanz/hellaswag/master/data/hellaswag_{}.jsonl"
OPENBOOKQA_URL = "https://ai2-public-datasets.s3.amazonaws.com/open-book-qa/OpenBookQA-V1-Sep2018.zip"
COMMONSENSEQA_URL = "https://s3.amazonaws.com/commensenseqa/{}_rand_split.jsonl"
PIQA_URL = "https://yonatanbisk.com/piqa/data/{}"
SIQA_URL = "https://storage.googleapis.com/ai2-mosaic/public/socialiqa/socialiqa-train-dev.zip"

# (question, answers, correct answer, split name) for each item of a dataset
Item = tuple[str, list[str], str, str]


def check_dataset(dataset: str) -> None:
    check_choice(dataset, DATASETS, "commonsense dataset")


def _jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _labels(path: Path) -> list[int]:
    with open(path, encoding="utf-8") as f:
        return [int(line) for line in f if line.strip()]


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise DataError(what)


def _lettered(item: dict, num_choices: int, dataset: str) -> tuple[str, list[str], str]:
    """OpenBookQA / CommonsenseQA items: stem, choice texts, answerKey letter."""
    choices = item["question"]["choices"]
    answers = [choice["text"] for choice in choices]
    index = "ABCDE".find(item["answerKey"])
    _check(
        len(answers) == num_choices,
        f"{dataset} item {item.get('id')} has {len(answers)} choices, expected {num_choices}",
    )
    _check(
        0 <= index < num_choices and choices[index]["label"] == item["answerKey"],
        f"{dataset} item {item.get('id')}: bad answerKey",
    )
    return item["question"]["stem"], answers, answers[index]


class CommonSenseScenario(Scenario):
    name = "commonsense"
    description = "Unified interface for all CommonSense scenarios."
    tags = ["knowledge", "multiple_choice"]

    def __init__(self, dataset: str) -> None:
        check_dataset(dataset)
        self.dataset = dataset

    def _fetch(self, url: str, name: str, **kwargs) -> Path:
        target = self.data_path("data", self.dataset, name)
        return ensure_file_downloaded(url, target, mirror=self.data_mirror, **kwargs)

    def get_instances(self) -> list[Instance]:
        readers: dict[str, Callable[[], Iterator[Item]]] = {
            "hellaswag": self._hellaswag,
            "openbookqa": self._openbookqa,
            "commonsenseqa": self._commonsenseqa,
            "piqa": self._piqa,
            "siqa": self._siqa,
        }
        instances = []
        for question, answers, correct, split in readers[self.dataset]():
            # Tagged by text: every answer equal to the correct one is correct.
            references = [Reference(answer, [CORRECT_TAG] if answer == correct else []) for answer in answers]
            instances.append(Instance(input=question, references=references, split=SPLITS[split]))
        return instances

    def _hellaswag(self) -> Iterator[Item]:
        for split in ("train", "val"):  # the test set has no labels
            for item in _jsonl(self._fetch(HELLASWAG_URL.format(split), f"hellaswag_{split}.jsonl")):
                ctx_b = item["ctx_b"]
                ctx_b = ctx_b[:1].upper() + ctx_b[1:]
                answers = item["endings"]
                _check(
                    len(answers) == 4,
                    f"hellaswag item {item.get('ind')} has {len(answers)} endings, expected 4",
                )
                yield (
                    f"{item['activity_label']}: {item['ctx_a']} {ctx_b}",
                    answers,
                    answers[item["label"]],
                    split,
                )

    def _openbookqa(self) -> Iterator[Item]:
        root = self._fetch(OPENBOOKQA_URL, "OpenBookQA-V1-Sep2018", unpack=True, unpack_type="unzip")
        for split in ("train", "test"):
            for item in _jsonl(root / "Data" / "Main" / f"{split}.jsonl"):
                yield *_lettered(item, 4, "openbookqa"), split

    def _commonsenseqa(self) -> Iterator[Item]:
        for split, source in (("train", "train"), ("val", "dev")):  # the test set has no labels
            for item in _jsonl(self._fetch(COMMONSENSEQA_URL.format(source), f"commonsenseqa_{split}.jsonl")):
                yield *_lettered(item, 5, "commonsenseqa"), split

    def _piqa(self) -> Iterator[Item]:
        for split, source in (("train", "train"), ("val", "valid")):  # the test set has no labels
            items = list(_jsonl(self._fetch(PIQA_URL.format(f"{source}.jsonl"), f"piqa_{split}_raw.jsonl")))
            labels = _labels(self._fetch(PIQA_URL.format(f"{source}-labels.lst"), f"piqa_{split}_labels.lst"))
            _check(len(items) == len(labels), f"piqa {split}: {len(items)} items but {len(labels)} labels")
            for item, label in zip(items, labels):
                _check(label in (0, 1), f"piqa {split}: label {label} is not 0 or 1")
                answers = [item["sol1"], item["sol2"]]
                yield item["goal"], answers, answers[label], split

    def _siqa(self) -> Iterator[Item]:
        root = self._fetch(SIQA_URL, "socialiqa-train-dev", unpack=True, unpack_type="unzip")
        # The archive has a socialiqa-train-dev/ folder next to other entries, so it ends up nested.
        folder = root / "socialiqa-train-dev" if (root / "socialiqa-train-dev").is_dir() else root
        for split, source in (("train", "train"), ("val", "dev")):
            items = list(_jsonl(folder / f"{source}.jsonl"))
            labels = _labels(folder / f"{source}-labels.lst")
            _check(len(items) == len(labels), f"siqa {split}: {len(items)} items but {len(labels)} labels")
            for item, label in zip(items, labels):
                _check(label in (1, 2, 3), f"siqa {split}: label {label} is not 1, 2 or 3")
                answers = [item["answerA"], item["answerB"], item["answerC"]]
                yield f"{item['context']} {item['question']}", answers, answers[label - 1], split
