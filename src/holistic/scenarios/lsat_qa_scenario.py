"""AR-LSAT (Zhong et al.): analytical-reasoning questions from the LSAT, five options each (§6.2 lsat_qa)."""

from __future__ import annotations

import json

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
from holistic.scenarios.inputs import check_choice, passage_question_input

DATA_URL = "https://raw.githubusercontent.com/zhongwanjun/AR-LSAT/main/data/AR_{}Data.json"
FILE_SPLITS = (("Training", TRAIN_SPLIT), ("Development", VALID_SPLIT), ("Test", TEST_SPLIT))

# Coarse question type -> the fine types (tags[2] of each question) it groups.
QUESTION_TYPES: dict[str, tuple[str, ...]] = {
    "grouping": ("in/out grouping", "distribution grouping"),
    "ordering": ("simple ordering", "relative ordering", "complex ordering"),
    "assignment": ("determined assignment", "undetermined assignment"),
    "miscellaneous": (),
}
COARSE_TYPE = {fine: coarse for coarse, fines in QUESTION_TYPES.items() for fine in fines}
TASKS = ("all", *QUESTION_TYPES)


def check_task(task: str) -> None:
    check_choice(task, TASKS, "LSAT task")


def question_types(tags: list[str]) -> tuple[str, str | None]:
    """(fine type with spaces and slashes as `_`, coarse type or None) of a question's tags."""
    fine = tags[2].replace("grouping (distribution)", "distribution grouping") or "miscellaneous"
    return fine.replace(" ", "_").replace("/", "_"), COARSE_TYPE.get(fine)


class LSATScenario(Scenario):
    name = "lsat_qa"
    description = "Question answering dataset with questions from LSAT exams."
    tags = ["question_answering"]

    def __init__(self, task: str) -> None:
        check_task(task)
        self.task = task

    def get_instances(self) -> list[Instance]:
        instances = []
        for file_split, split in FILE_SPLITS:
            name = f"AR_{file_split}Data.json"
            path = ensure_file_downloaded(
                DATA_URL.format(file_split), self.data_path("data", name), mirror=self.data_mirror
            )
            with open(path, encoding="utf-8") as f:
                passages = json.load(f)
            for passage in passages:
                for question in passage["questions"]:
                    if self.task != "all" and self.task not in question_types(question["tags"]):
                        continue
                    answer = ord(question["answer"]) - ord("A")
                    if not 0 <= answer < len(question["options"]):
                        raise DataError(f"{path}: answer {question['answer']} is not one of the options")
                    references = [
                        Reference(option, [CORRECT_TAG] if i == answer else [])
                        for i, option in enumerate(question["options"])
                    ]
                    text = passage_question_input(passage["passage"], question["question"])
                    instances.append(Instance(input=text, references=references, split=split))
        return instances
