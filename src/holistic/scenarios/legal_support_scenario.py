"""LegalSupport (Guha et al.): which of two case parentheticals better supports a legal claim (§6.2 legal_support)."""

from __future__ import annotations

import json
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

DATA_URL = "https://docs.google.com/uc?export=download&id=1PVoyddrCHChMxYrLhsI-zu7Xzs5S8N77"
FILE_SPLITS = (("train", TRAIN_SPLIT), ("dev", VALID_SPLIT), ("test", TEST_SPLIT))


def make_instance(row: dict, split: str) -> Instance:
    answers = {"a": row["citation_a"]["parenthetical"], "b": row["citation_b"]["parenthetical"]}
    if row["label"] not in answers:
        raise DataError(f"LegalSupport label must be a or b, not {row['label']!r}")
    correct = answers[row["label"]]
    # Tagged by text, as HELM does: identical parentheticals are both correct.
    references = [
        Reference(answer, [CORRECT_TAG] if answer == correct else []) for answer in answers.values()
    ]
    return Instance(input=row["context"], references=references, split=split)


class LegalSupportScenario(Scenario):
    name = "legal_support"
    description = "Binary multiple choice question dataset for legal argumentative reasoning."
    tags = ["question_answering", "law"]

    def get_instances(self) -> list[Instance]:
        data = ensure_file_downloaded(
            DATA_URL, self.data_path("data"), unpack=True, unpack_type="unzip", mirror=self.data_mirror
        )
        instances = []
        for name, split in FILE_SPLITS:
            path = self._split_file(data, name)
            with open(path, encoding="utf-8") as f:
                instances.extend(make_instance(json.loads(line), split) for line in f if line.strip())
        return instances

    @staticmethod
    def _split_file(data: Path, name: str) -> Path:
        # The archive holds legal_support/<split>.jsonl; a lone folder is unpacked as data/ itself.
        for path in (data / "legal_support" / f"{name}.jsonl", data / f"{name}.jsonl"):
            if path.exists():
                return path
        raise DataError(
            f"LegalSupport file {data / 'legal_support' / f'{name}.jsonl'} is missing (unzip {DATA_URL} there)"
        )
