"""NarrativeQA (summaries setting): answer a question about a book or film from its Wikipedia summary (§6.2).

One question is drawn per document with `random.choice` (one `Random(0)` stream over train, valid, test).
"""

from __future__ import annotations

import csv
import random
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

REPO_URL = "https://github.com/deepmind/narrativeqa/archive/master.zip"
SPLITS = {"train": TRAIN_SPLIT, "valid": VALID_SPLIT, "test": TEST_SPLIT}
SEED = 0


def _rows(path: Path, split: str) -> list[dict[str, str]]:
    # Opened without newline="" as HELM does, so "\r\n" inside quoted fields reads as "\n".
    try:
        with open(path, encoding="utf-8") as f:
            return [row for row in csv.DictReader(f) if row.get("set") == split]
    except OSError as e:
        raise DataError(
            f"cannot read {path} ({e.strerror}); the narrativeqa repository archive is incomplete"
        ) from None


class NarrativeQAScenario(Scenario):
    name = "narrativeqa"
    description = "Question answering using summaries of books/movie scripts."
    tags = ["question_answering"]

    def get_instances(self) -> list[Instance]:
        repo = ensure_file_downloaded(
            REPO_URL, self.data_path("data", "narrativeqa-master"), unpack=True, mirror=self.data_mirror
        )
        summaries_file = repo / "third_party" / "wikipedia" / "summaries.csv"
        qaps_file = repo / "qaps.csv"
        rng = random.Random(SEED)
        instances = []
        for file_split, split in SPLITS.items():
            summaries = {row["document_id"]: row["summary"] for row in _rows(summaries_file, file_split)}
            questions: dict[str, list[dict[str, str]]] = {}
            for row in _rows(qaps_file, file_split):
                questions.setdefault(row["document_id"], []).append(row)
            for document_id, rows in questions.items():
                row = rng.choice(rows)
                if document_id not in summaries:
                    raise DataError(
                        f"{qaps_file}: document {document_id} has no {file_split} summary in {summaries_file}"
                    )
                question = row["question"].strip()
                if not question.endswith("?"):
                    question += "?"
                instances.append(
                    Instance(
                        input=f"{summaries[document_id].strip()}\nQuestion: {question}",
                        references=[
                            Reference(row["answer1"], [CORRECT_TAG]),
                            Reference(row["answer2"], [CORRECT_TAG]),
                        ],
                        split=split,
                    )
                )
        return instances
