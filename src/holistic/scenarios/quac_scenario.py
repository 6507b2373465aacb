"""QuAC: answer the next question of a student-teacher dialogue about a Wikipedia section (§6.2).

The dialogue is cut at a random point (`randint(3, #questions) - 1`, one `Random(0)` stream over train and
val). As in HELM, the question-answer pair just before the asked question is left out of the prompt
(docs/compatibility.md).
"""

from __future__ import annotations

import json
import random

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TRAIN_SPLIT, VALID_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded

BASE_URL = "https://s3.amazonaws.com/my89public/quac"
SPLITS = {"train": TRAIN_SPLIT, "val": VALID_SPLIT}
SEED = 0
CANNOT_ANSWER = "CANNOTANSWER"
CANNOT_ANSWER_ALTERNATIVES = ["Not enough information", "Cannot answer", "Do not know"]


def make_prompt(sample: dict, rng: random.Random) -> tuple[str, list[str]]:
    """The prompt (background, section, earlier turns, question) and the distinct gold answers."""
    dialogue = sample["paragraphs"][0]
    context = dialogue["context"]
    if not context.endswith(" " + CANNOT_ANSWER):
        raise DataError(f"QuAC context of '{sample['title']}' does not end with ' {CANNOT_ANSWER}'")
    qas = dialogue["qas"]
    if len(qas) < 3:
        raise DataError(
            f"QuAC dialogue of '{sample['title']}' has {len(qas)} questions (at least 3 expected)"
        )
    prompt = (
        f"Title: {sample['title']}\n\nBackground: {sample['background']}\n\n"
        f"Section: {sample['section_title']}\nPassage: {context[: -len(CANNOT_ANSWER) - 1]}\n\n"
    )
    k = rng.randint(3, len(qas)) - 1
    for qa in qas[: k - 1]:
        prompt += f"Question: {qa['question']}\nAnswer: {qa['orig_answer']['text']}\n\n"
    prompt += f"Question: {qas[k]['question']}"
    answers = list(dict.fromkeys(answer["text"] for answer in qas[k]["answers"]))
    if answers == [CANNOT_ANSWER]:
        answers += CANNOT_ANSWER_ALTERNATIVES
    return prompt, answers


class QuACScenario(Scenario):
    name = "quac"
    description = "Question answering from dialog prompts."
    tags = ["question_answering"]

    def get_instances(self) -> list[Instance]:
        rng = random.Random(SEED)
        instances = []
        for file_split, split in SPLITS.items():
            path = ensure_file_downloaded(
                f"{BASE_URL}/{file_split}_v0.2.json",
                self.data_path("data", f"{file_split}.json"),
                mirror=self.data_mirror,
            )
            with open(path, encoding="utf-8") as f:
                try:
                    samples = json.load(f)["data"]
                except (ValueError, KeyError) as e:
                    raise DataError(f"{path} is not a QuAC file ({e.__class__.__name__}: {e})") from None
            for sample in samples:
                try:
                    prompt, answers = make_prompt(sample, rng)
                except (KeyError, IndexError, TypeError) as e:
                    raise DataError(
                        f"{path}: malformed QuAC dialogue ({e.__class__.__name__}: {e})"
                    ) from None
                references = [Reference(answer, [CORRECT_TAG]) for answer in answers]
                instances.append(Instance(input=prompt, references=references, split=split))
        return instances
