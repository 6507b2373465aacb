"""BIG-bench (Srivastava et al. 2022): any JSON task or subtask, from its `task.json` (§6.2 big_bench).

Examples are shuffled with Python's `random.seed(0)`; the test split is 20% of them (at least 16), the
valid split as large, the rest train.
"""

from __future__ import annotations

import json
import random
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
from holistic.scenarios.download import ensure_file_downloaded

BASE_URL = "https://raw.githubusercontent.com/google/BIG-bench/main/bigbench/benchmark_tasks"
TASK_FILE_NAME = "task.json"
MIN_TEST_EXAMPLES = 16
DESCRIPTION = (
    "The Beyond the Imitation Game Benchmark (BIG-bench) is a collaborative benchmark intended to "
    "probe large language models and extrapolate their future capabilities."
)


def check_task_names(task: str, subtask: str) -> None:
    for what, value in (("task", task), ("subtask", subtask)):
        if (
            not isinstance(value, str)
            or "/" in value
            or value.startswith(".")
            or (what == "task" and not value)
        ):
            raise DescriptionError(
                f"bad BIG-bench {what} '{value}' (a directory name under bigbench/benchmark_tasks, e.g. "
                f"task=auto_debugging, subtask= or task=logical_deduction,subtask=three_objects)"
            )


def download_and_get_task(scenario_path: Path, task: str, subtask: str, mirror: str | None) -> dict:
    """The task definition, fetched into `<scenario_path>/<task>/[<subtask>/]task.json` if not there yet."""
    check_task_names(task, subtask)
    parts = [task, subtask] if subtask else [task]
    url = "/".join([BASE_URL, *parts, TASK_FILE_NAME])
    path = ensure_file_downloaded(url, Path(scenario_path, *parts, TASK_FILE_NAME), mirror=mirror)
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
        definition["examples"], definition["metrics"]  # noqa: B018 - required fields of the JSON schema
    except (ValueError, KeyError, TypeError) as e:
        raise DataError(f"{path}: not a BIG-bench JSON task with examples and metrics ({e})") from None
    return definition


def example_references(example: dict) -> list[Reference]:
    if "target_scores" in example:
        # Targets with the highest score are correct (BIG-bench Lite scores are 0 or 1).
        best = max(example["target_scores"].values())
        return [
            Reference(target, [CORRECT_TAG] if score == best else [])
            for target, score in example["target_scores"].items()
        ]
    if "target" in example:
        targets = example["target"] if isinstance(example["target"], list) else [example["target"]]
        return [Reference(target, [CORRECT_TAG]) for target in targets]
    raise DataError(f"BIG-bench example without target or target_scores: {json.dumps(example)[:200]}")


class BIGBenchScenario(Scenario):
    name = "big_bench"
    description = DESCRIPTION
    tags: list[str] = []

    def __init__(self, task: str, subtask: str = "") -> None:
        check_task_names(task, subtask)
        self.task = task
        self.subtask = subtask

    def get_instances(self) -> list[Instance]:
        definition = download_and_get_task(self.data_path(), self.task, self.subtask, self.data_mirror)
        self.tags = definition.get("keywords", [])
        subtask = f"Subtask: {self.subtask} " if self.subtask else ""
        self.description = (
            f"{DESCRIPTION} Task: {self.task} {subtask} Description: {definition.get('description')}"
        )
        examples = list(definition["examples"])
        random.seed(0)  # HELM seeds the global generator; the shuffle must consume it the same way
        random.shuffle(examples)
        num_test = max(int(0.2 * len(examples)), MIN_TEST_EXAMPLES)
        num_train = len(examples) - 2 * num_test
        instances = []
        for i, example in enumerate(examples):
            if i < num_train:
                split = TRAIN_SPLIT
            elif i < num_train + num_test:
                split = TEST_SPLIT
            else:
                split = VALID_SPLIT
            instances.append(Instance(example["input"], example_references(example), split))
        return instances
