"""bAbI (Weston et al.): 20 synthetic reasoning tasks over short stories (§6.2 babi_qa)."""

from __future__ import annotations

import logging
from pathlib import Path

from holistic.errors import DataError, DescriptionError
from holistic.scenarios.base import (
    CORRECT_TAG,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    Reference,
    Scenario,
)
from holistic.scenarios.download import ensure_file_downloaded, require_file
from holistic.scenarios.inputs import passage_question_input

log = logging.getLogger(__name__)

DATA_URL = "http://www.thespermwhale.com/jaseweston/babi/tasks_1-20_v1-2.tar.gz"
TASKS = tuple(range(1, 21))
SPLITS = (("train", TRAIN_SPLIT), ("valid", VALID_SPLIT), ("test", TEST_SPLIT))
PATH_FINDING_TASK = 19
DIRECTIONS = {"n": "north", "s": "south", "e": "east", "w": "west"}
# Fallback when only `en/` exists: the bAbI README says en-valid holds out 10% of each train file.
VALID_FRACTION = 0.1


def parse_tasks(task: str | int) -> list[int]:
    if str(task) == "all":
        return list(TASKS)
    try:
        number = int(task)
    except ValueError:
        number = None
    if number not in TASKS:
        raise DescriptionError(f"unknown bAbI task '{task}' (one of all, 1, 2, ..., 20)")
    return [number]


def read_stories(path: Path) -> list[list[str]]:
    """The file's stories, each a list of raw lines without the line-number reset they start with."""
    stories: list[list[str]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            number, _, _ = line.partition(" ")
            if not number.isdigit():
                raise DataError(f"{path}: line does not start with a line number: {line!r}")
            if int(number) == 1 or not stories:
                stories.append([])
            stories[-1].append(line)
    return stories


def story_instances(stories: list[list[str]], split: str, task: int) -> list[Instance]:
    instances = []
    for story in stories:
        facts: list[str] = []
        for line in story:
            text = line.split(" ", 1)[1]
            if "?" not in text:
                facts.append(text)  # keeps its newline: the passage is the facts so far, one per line
                continue
            question, answer = (part.strip() for part in text.split("\t")[:2])
            if task == PATH_FINDING_TASK:
                answer = " ".join(DIRECTIONS[step] for step in answer.split(","))
            instances.append(
                Instance(
                    input=passage_question_input("".join(facts), question, separator=""),
                    references=[Reference(answer, [CORRECT_TAG])],
                    split=split,
                )
            )
    return instances


class BabiQAScenario(Scenario):
    name = "babi_qa"
    description = "Question answering dataset with reasoning questions."
    tags = ["question_answering"]

    def __init__(self, task: str | int) -> None:
        self.tasks = parse_tasks(task)

    def get_instances(self) -> list[Instance]:
        root = ensure_file_downloaded(
            DATA_URL, self.data_path("data", "tasks_1-20_v1-2"), unpack=True, mirror=self.data_mirror
        )
        if not (root / "en-valid").is_dir():
            log.warning(
                "babi_qa: %s is missing; using en/ with the last %d%% of each task's train stories as valid "
                "(HELM's en-valid split is not reproduced exactly)",
                root / "en-valid", round(VALID_FRACTION * 100),
            )  # fmt: skip
        instances = []
        for task in self.tasks:
            for split, stories in self._split_stories(root, task):
                instances.extend(story_instances(stories, split, task))
        return instances

    def _split_stories(self, root: Path, task: int) -> list[tuple[str, list[list[str]]]]:
        en_valid = root / "en-valid"
        if en_valid.is_dir():
            return [
                (
                    split,
                    read_stories(
                        require_file(en_valid / f"qa{task}_{name}.txt", f"bAbI task {task} {name} file")
                    ),
                )
                for name, split in SPLITS
            ]
        train, test = (self._en_file(root, task, name) for name in ("train", "test"))
        stories = read_stories(train)
        num_valid = round(len(stories) * VALID_FRACTION)
        return [
            (TRAIN_SPLIT, stories[: len(stories) - num_valid]),
            (VALID_SPLIT, stories[len(stories) - num_valid :]),
            (TEST_SPLIT, read_stories(test)),
        ]

    @staticmethod
    def _en_file(root: Path, task: int, name: str) -> Path:
        matches = sorted((root / "en").glob(f"qa{task}_*_{name}.txt"))
        if len(matches) != 1:
            raise DataError(
                f"bAbI task {task}: expected {root}/en-valid/qa{task}_{name}.txt (or one {root}/en/qa{task}_*_{name}.txt)"
            )
        return matches[0]
