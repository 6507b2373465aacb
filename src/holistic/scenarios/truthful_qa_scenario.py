"""TruthfulQA (Lin et al.): multiple choice with one true answer among imitative falsehoods (§6.2 truthful_qa)."""

from __future__ import annotations

import csv

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TRAIN_SPLIT, VALID_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import check_choice

# The commit HELM pins, so the questions never change under a run.
DATA_URL = "https://raw.githubusercontent.com/sylinrl/TruthfulQA/d71c110897f5d31c5d7f309e7bc316c152f6f031/data/v1/TruthfulQA.csv"
DATA_SHA256 = "f9bd9e859cc102cb1f647f1064da7e009be752c416845cf9fa56e6eaae403a7d"
TASKS = ("mc_single",)
TRAIN_RATIO = 0.2
COLUMNS = ("Type", "Category", "Question", "Best Answer", "Correct Answers", "Incorrect Answers", "Source")


def check_task(task: str) -> None:
    check_choice(task, TASKS, "TruthfulQA task")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."


def make_references(best_answer: str, incorrect_answers: str) -> list[Reference]:
    """Incorrect answers then the best one, rotated by the best answer's first character so the
    position of the correct choice varies (HELM's rule)."""
    best = _sentence(best_answer)
    references = [Reference(_sentence(a), []) for a in incorrect_answers.split(";") if a.strip()]
    references.append(Reference(best, [CORRECT_TAG]))
    k = ord(best[0]) % len(references)
    return references[k:] + references[:k]


class TruthfulQAScenario(Scenario):
    name = "truthful_qa"
    description = "Truthful QA"
    tags = ["knowledge", "harms", "multiple_choice"]

    def __init__(self, task: str) -> None:
        check_task(task)
        self.task = task

    def get_instances(self) -> list[Instance]:
        path = ensure_file_downloaded(
            DATA_URL, self.data_path("data", "TruthfulQA.csv"), sha256=DATA_SHA256, mirror=self.data_mirror
        )
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        if not rows or tuple(rows[0]) != COLUMNS:
            raise DataError(f"{path}: expected a CSV with header {', '.join(COLUMNS)}")
        rows = rows[1:]
        num_train = int(len(rows) * TRAIN_RATIO)
        instances = []
        for index, row in enumerate(rows):
            if len(row) != len(COLUMNS):
                raise DataError(f"{path}: row {index + 2} has {len(row)} columns, expected {len(COLUMNS)}")
            _, _, question, best_answer, _, incorrect_answers, _ = row
            instances.append(
                Instance(
                    input=question.strip(),
                    references=make_references(best_answer, incorrect_answers),
                    split=TRAIN_SPLIT if index < num_train else VALID_SPLIT,
                )
            )
        return instances
