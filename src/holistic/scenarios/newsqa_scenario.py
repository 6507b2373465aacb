"""NewsQA: answer a question about a CNN article (§6.2). The data set is restricted and must be built by hand.

Build `combined-newsqa-data-v1.json` with https://github.com/Maluuba/newsqa (it needs the NewsQA download
from Microsoft and the CNN stories), then place it where HELM looks, `restricted/newsqa/` under the working
directory, or in holistic's data directory `<output-path>/scenarios/newsqa/`, or in a data mirror's
`newsqa/` directory.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TRAIN_SPLIT, VALID_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import data_mirror

DATA_FILE = "combined-newsqa-data-v1.json"
HELM_PATH = Path("restricted", "newsqa", DATA_FILE)
SEED = 0
NO_ANSWER = "No Answer"


def valid_questions(story: dict) -> list[dict]:
    """Questions no crowd worker flagged as bad (`isQuestionBad` 0) and without a `badQuestion` consensus."""
    return [
        q
        for q in story["questions"]
        if q.get("isQuestionBad", 0.0) == 0.0 and q["consensus"].get("badQuestion") is not True
    ]


def answers_of(story: dict, question: dict) -> list[str]:
    """The consensus answer (or `No Answer`), then the distinct crowd answers, as character spans of the text."""
    text = story["text"]
    consensus = question["consensus"]
    answers = [NO_ANSWER if consensus.get("noAnswer") is True else text[consensus["s"] : consensus["e"]]]
    for answer in question["answers"]:
        first = answer["sourcerAnswers"][0]
        candidate = NO_ANSWER if "noAnswer" in first else text[first["s"] : first["e"]]
        if candidate not in answers:
            answers.append(candidate)
    return answers


class NewsQAScenario(Scenario):
    name = "newsqa"
    description = "Question answering using news articles."
    tags = ["question_answering"]

    def data_file(self) -> Path:
        candidates = [self.data_path(DATA_FILE), HELM_PATH]
        mirror = data_mirror(self.data_mirror)
        if mirror:
            candidates.append(Path(mirror, self.name, DATA_FILE))
        for path in candidates:
            if path.is_file() and path.stat().st_size > 0:
                return path
        raise DataError(
            f"news_qa needs the restricted file {DATA_FILE}: build it with https://github.com/Maluuba/newsqa and "
            f"place it at {HELM_PATH} (under the working directory, as HELM) or {self.data_path(DATA_FILE)}"
        )

    def get_instances(self) -> list[Instance]:
        path = self.data_file()
        with open(path, encoding="utf-8") as f:
            try:
                stories = json.load(f)["data"]
            except (ValueError, KeyError) as e:
                raise DataError(
                    f"{path} is not the combined NewsQA file ({e.__class__.__name__}: {e})"
                ) from None
        rng = random.Random(SEED)
        instances = []
        for story in stories:
            try:
                questions = valid_questions(story)
                if not questions:
                    continue
                question = rng.sample(questions, 1)[0]
                answers = answers_of(story, question)
                text, asked, split = story["text"], question["q"], story["type"]
            except (KeyError, IndexError, TypeError) as e:
                raise DataError(f"{path}: malformed NewsQA story ({e.__class__.__name__}: {e})") from None
            instances.append(
                Instance(
                    input=f"{text}\n\nQuestion: {asked}",
                    references=[Reference(answer, [CORRECT_TAG]) for answer in answers],
                    split=TRAIN_SPLIT if split == "train" else VALID_SPLIT,
                )
            )
        return instances
