"""RAFT (Alex et al.): 11 real-world few-shot text classification tasks (§6.2 raft).

HELM loads the 50 labelled rows of each subset through HF `datasets` (`ought/raft`) and splits them with
`train_test_split(test_size=0.8, seed=42)`; holistic reads the same CSV files from the HF repository layout
(`data/<subset>/train.csv`) and reproduces that split with NumPy. The field ordering and instructions come
from RAFT's prompt construction settings, bundled here (HELM downloads them from Dropbox).
"""

from __future__ import annotations

import csv
import json
import math
from functools import cache
from importlib import resources
from pathlib import Path

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, TRAIN_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import check_choice

DATA_URL = "https://huggingface.co/datasets/ought/raft/resolve/main/data/{subset}/{file}"
SUBSETS = (
    "ade_corpus_v2", "banking_77", "neurips_impact_statement_risks", "one_stop_english", "overruling",
    "semiconductor_org_types", "systematic_review_inclusion", "tai_safety_research", "terms_of_service",
    "tweet_eval_hate", "twitter_complaints",
)  # fmt: skip
TEST_SIZE = 0.8
SEED = 42
UNLABELED = "Unlabeled"  # class 0 of the HF ClassLabel; labelled rows use 1..n


def check_subset(subset: str) -> None:
    check_choice(subset, SUBSETS, "RAFT subset")


@cache
def prompt_settings() -> dict:
    text = (
        resources.files("holistic.scenarios")
        .joinpath("raft_prompt_settings.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def get_raft_instructions(subset: str) -> str:
    check_subset(subset)
    return prompt_settings()["instructions"][subset]


def train_test_indices(
    num_rows: int, test_size: float = TEST_SIZE, seed: int = SEED
) -> tuple[list[int], list[int]]:
    """Row indices of HF `Dataset.train_test_split(test_size, seed=seed)`: a permutation from
    `numpy.random.default_rng(seed)`; its first ceil(test_size * n) entries are test, the rest train."""
    import numpy as np

    num_test = math.ceil(test_size * num_rows)
    permutation = np.random.default_rng(seed).permutation(num_rows).tolist()
    return permutation[num_test:], permutation[:num_test]


class RAFTScenario(Scenario):
    name = "raft"
    description = "Real-world Annotated Few-shot Tasks (RAFT)"
    tags = ["text_classification", "robustness"]

    def __init__(self, subset: str, random_seed: int = SEED) -> None:
        check_subset(subset)
        self.subset = subset
        self.random_seed = int(random_seed)

    def _fetch(self, file: str) -> Path:
        url = DATA_URL.format(subset=self.subset, file=file)
        return ensure_file_downloaded(url, self.data_path("data", self.subset, file), mirror=self.data_mirror)

    def get_instances(self) -> list[Instance]:
        path = self._fetch("train.csv")
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        fields = prompt_settings()["field_ordering"][self.subset]
        if not rows:
            raise DataError(f"{path} has no rows")
        missing = [c for c in (*fields, "Label") if c not in rows[0]]
        if missing:
            raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
        labels = [row["Label"] for row in rows]
        if any(label.strip().isdigit() for label in labels):
            labels = self._label_names(labels, path)
        train, test = train_test_indices(len(rows), TEST_SIZE, self.random_seed)
        instances = []
        for split, indices in ((TRAIN_SPLIT, train), (TEST_SPLIT, test)):
            for i in indices:
                text = "\n".join(f"{field}: {rows[i][field]}" for field in fields)
                instances.append(
                    Instance(input=text, references=[Reference(labels[i], [CORRECT_TAG])], split=split)
                )
        return instances

    def _label_names(self, numbers: list[str], path: Path) -> list[str]:
        """Class numbers to names, as HF's ClassLabel.int2str gives them (names from task.json)."""
        with open(self._fetch("task.json"), encoding="utf-8") as f:
            names = [UNLABELED, *json.load(f)["label_columns"]["Label"]]
        labels = []
        for number in numbers:
            if not number.strip().isdigit() or not 0 <= int(number) < len(names):
                raise DataError(
                    f"{path}: label {number!r} is not a class number of {self.subset} (0..{len(names) - 1})"
                )
            labels.append(names[int(number)])
        return labels
