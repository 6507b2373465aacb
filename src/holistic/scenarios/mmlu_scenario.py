"""MMLU (Hendrycks et al.): 57 subjects of four-choice questions (§6.2 mmlu)."""

from __future__ import annotations

import csv

from holistic.errors import DataError, one_of
from holistic.scenarios.base import (
    CORRECT_TAG,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    Scenario,
    new_instance,
    new_reference,
)
from holistic.scenarios.download import ensure_file_downloaded

MMLU_URL = "https://people.eecs.berkeley.edu/~hendrycks/data.tar"

SUBJECTS = (
    "abstract_algebra", "anatomy", "astronomy", "business_ethics", "clinical_knowledge", "college_biology",
    "college_chemistry", "college_computer_science", "college_mathematics", "college_medicine", "college_physics",
    "computer_security", "conceptual_physics", "econometrics", "electrical_engineering", "elementary_mathematics",
    "formal_logic", "global_facts", "high_school_biology", "high_school_chemistry", "high_school_computer_science",
    "high_school_european_history", "high_school_geography", "high_school_government_and_politics",
    "high_school_macroeconomics", "high_school_mathematics", "high_school_microeconomics", "high_school_physics",
    "high_school_psychology", "high_school_statistics", "high_school_us_history", "high_school_world_history",
    "human_aging", "human_sexuality", "international_law", "jurisprudence", "logical_fallacies", "machine_learning",
    "management", "marketing", "medical_genetics", "miscellaneous", "moral_disputes", "moral_scenarios", "nutrition",
    "philosophy", "prehistory", "professional_accounting", "professional_law", "professional_medicine",
    "professional_psychology", "public_relations", "security_studies", "sociology", "us_foreign_policy", "virology",
    "world_religions",
)  # fmt: skip

# Directory in the archive -> split. auxiliary_train files are not subject-named, so TRAIN is the dev set.
SPLIT_DIRECTORIES = (
    ("auxiliary_train", TRAIN_SPLIT),
    ("dev", TRAIN_SPLIT),
    ("val", VALID_SPLIT),
    ("test", TEST_SPLIT),
)


def check_subject(subject: str) -> None:
    if subject not in SUBJECTS:
        raise DataError(f"unknown MMLU subject '{subject}' ({one_of(SUBJECTS, subject)})")


class MMLUScenario(Scenario):
    name = "mmlu"
    description = "Massive Multitask Language Understanding"
    tags = ["knowledge", "multiple_choice"]
    reuse_instances = True

    def __init__(self, subject: str) -> None:
        check_subject(subject)
        self.subject = subject

    def get_instances(self) -> list[Instance]:
        data = ensure_file_downloaded(
            MMLU_URL, self.data_path("data"), unpack=True, unpack_type="untar", mirror=self.data_mirror
        )
        instances: list[Instance] = []
        found = False
        for directory, split in SPLIT_DIRECTORIES:
            path = data / directory / f"{self.subject}_{directory}.csv"
            if not path.exists():
                continue
            found = True
            instances.extend(self._read(path, split))
        if not found or not any(i.split != TRAIN_SPLIT for i in instances):
            raise DataError(
                f"no MMLU files for {self.subject} under {data} (expected {{dev,val,test}}/{self.subject}_<split>.csv)"
            )
        return instances

    @staticmethod
    def _read(path, split: str) -> list[Instance]:
        instances = []
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                if not row:
                    continue
                if len(row) != 6:
                    raise DataError(
                        f"{path}: expected question, 4 choices and an answer letter, got {len(row)} columns"
                    )
                question, *choices, answer = row
                correct = "ABCD".index(answer.strip())
                references = [
                    new_reference(c, [CORRECT_TAG] if i == correct else []) for i, c in enumerate(choices)
                ]
                instances.append(new_instance(question, references, split))
        return instances
