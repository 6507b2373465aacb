"""BoolQ (Clark et al.): naturally occurring yes/no questions about a passage, with the contrast set of
Gardner et al. on the dev split (§6.2 boolq)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TRAIN_SPLIT, VALID_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import parse_bool, passage_question_input

log = logging.getLogger(__name__)

DATA_URL = "https://storage.googleapis.com/boolq/{}.jsonl"
CONTRAST_URL = "https://raw.githubusercontent.com/allenai/contrast-sets/main/BoolQ/boolq_perturbed.json"
# File name under data/ -> split.
FILE_SPLITS = (("train", TRAIN_SPLIT), ("dev", VALID_SPLIT))


def _answer(value: bool) -> str:
    return "Yes" if value else "No"


def _input(passage: str, question: str) -> str:
    # The GPT-3 paper's format: the question capitalised (Python's capitalize lowercases the rest) plus "?".
    question = question.strip().capitalize()
    if question.endswith("?"):
        raise DataError(f"BoolQ question already ends with '?': {question!r}")
    return passage_question_input(passage, question + "?")


def read_contrast_map(path: Path) -> dict[str, dict]:
    """Original question -> its answer and the perturbed questions whose answer differs from it."""
    with open(path, encoding="utf-8") as f:
        items = json.load(f)["data"][1:]  # data[0] is a header row
    contrast_map: dict[str, dict] = {}
    for item in items:
        question = item["question"]
        if question in contrast_map:
            raise DataError(f"{path}: question {question!r} appears twice")
        original = _answer(item["answer"] == "TRUE")
        perturbed = [
            (p["perturbed_q"], _answer(p["answer"] == "TRUE"))
            for p in item["perturbed_questions"]
            if p["perturbed_q"] and _answer(p["answer"] == "TRUE") != original
        ]
        if perturbed:
            contrast_map[question] = {"answer": original, "perturbed": perturbed}
    return contrast_map


class BoolQScenario(Scenario):
    name = "boolq"
    description = "Question answering dataset with naturally occurring Yes/No questions."
    tags = ["question_answering"]

    def __init__(self, only_contrast: bool | str = False) -> None:
        self.only_contrast = parse_bool(only_contrast, "only_contrast")

    def get_instances(self) -> list[Instance]:
        paths = {}
        for filename, split in FILE_SPLITS:
            target = self.data_path("data", filename)
            try:
                paths[split] = ensure_file_downloaded(
                    DATA_URL.format(filename), target, mirror=self.data_mirror
                )
            except DataError:
                if split != TRAIN_SPLIT:
                    raise
                # Documented fallback (docs/scenarios.md): without train there are no in-context examples.
                log.warning(
                    "boolq: no train split (%s is missing and %s cannot be fetched); prompts will have no "
                    "in-context examples, unlike HELM's 5-shot prompts. Place BoolQ's train.jsonl at %s to fix this.",
                    target, DATA_URL.format(filename), target,
                )  # fmt: skip
        contrast_path = ensure_file_downloaded(
            CONTRAST_URL, self.data_path("data", "boolq_perturbed.jsonl"), mirror=self.data_mirror
        )
        contrast_map = read_contrast_map(contrast_path)
        instances = []
        for split, path in paths.items():
            instances.extend(self._read(path, split, contrast_map if split == VALID_SPLIT else {}))
        return instances

    def _read(self, path: Path, split: str, contrast_map: dict[str, dict]) -> list[Instance]:
        instances = []
        with open(path, encoding="utf-8") as f:
            for line_number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                question, passage = row["question"], row["passage"]
                answer = _answer(row["answer"])
                contrast_inputs = contrast_references = None
                contrast = contrast_map.get(question)
                if contrast is not None:
                    if contrast["answer"] != answer:
                        raise DataError(
                            f"{path}:{line_number}: answer differs from the contrast set's for {question!r}"
                        )
                    contrast_inputs = [_input(passage, q) for q, _ in contrast["perturbed"]]
                    contrast_references = [[Reference(a, [CORRECT_TAG])] for _, a in contrast["perturbed"]]
                elif self.only_contrast and split == VALID_SPLIT:
                    continue
                instances.append(
                    Instance(
                        input=_input(passage, question),
                        references=[Reference(answer, [CORRECT_TAG])],
                        split=split,
                        contrast_inputs=contrast_inputs,
                        contrast_references=contrast_references,
                    )
                )
        return instances
