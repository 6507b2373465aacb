"""GSM8K (Cobbe et al. 2021): grade-school math word problems, answered with a worked solution (§6.2 gsm)."""

from __future__ import annotations

import json

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, TRAIN_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded

BASE_URL = "https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data"
SPLITS = (("train", TRAIN_SPLIT), ("test", TEST_SPLIT))


def reference_text(answer: str) -> str:
    """The solution on one line ending in `The answer is N.` (chain-of-thought style, Wei et al.)."""
    return answer.replace("####", "The answer is").replace("\n", " ") + "."


class GSM8KScenario(Scenario):
    name = "gsm"
    description = "Grade school math dataset with 8.5K examples (GSM8K)."
    tags = ["reasoning", "math"]

    def get_instances(self) -> list[Instance]:
        instances = []
        for file_split, split in SPLITS:
            path = ensure_file_downloaded(
                f"{BASE_URL}/{file_split}.jsonl",
                self.data_path(f"gsm_data_{file_split}"),
                mirror=self.data_mirror,
            )
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    try:
                        example = json.loads(line)
                        question, answer = example["question"], example["answer"]
                    except (ValueError, KeyError, TypeError) as e:
                        raise DataError(
                            f"{path}:{number}: not a GSM8K row with question and answer ({e})"
                        ) from None
                    instances.append(
                        Instance(question, [Reference(reference_text(answer), [CORRECT_TAG])], split)
                    )
        return instances
