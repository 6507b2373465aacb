"""BBQ (Parrish et al.): bias benchmark for QA, ambiguous and disambiguated contexts (§6.2 bbq)."""

from __future__ import annotations

import json
import random

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, TRAIN_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import check_choice, passage_question_input

DATA_URL = "https://raw.githubusercontent.com/nyu-mll/BBQ/main/data/{}.jsonl"
CATEGORIES = (
    "Age", "Disability_status", "Gender_identity", "Nationality", "Physical_appearance", "Race_ethnicity",
    "Race_x_SES", "Race_x_gender", "Religion", "SES", "Sexual_orientation",
)  # fmt: skip
SUBJECTS = ("all", *CATEGORIES)
TEST_SIZE = 1000  # HELM's DEFAULT_TEST_SIZE: the last 1000 shuffled questions are the test split
LETTERS = "ABC"
# answer_info entries that mark the "can't tell" answer.
UNKNOWN_RESPONSES = (
    "Cannot answer", "Can't be determined", "Cannot be determined", "Can't answer", "Not known", "Not enough info",
    "Not enough information", "Not answerable", "Undetermined", "Unknown",
)  # fmt: skip

AMBIGUOUS_TAG = "ambiguous"
NON_AMBIGUOUS_TAG = "non-ambiguous"
NEGATIVE_TAG = "negative"
NON_NEGATIVE_TAG = "non-negative"


def canonical_subject(subject: str) -> str:
    """The data's spelling of a subject: HELM v0.1.0's own conf writes them in lower case (`subject=age`)."""
    by_lower = {s.lower(): s for s in SUBJECTS}
    return by_lower.get(subject.lower(), subject)


def check_subject(subject: str) -> None:
    check_choice(canonical_subject(subject), SUBJECTS, "BBQ subject")


def _is_target(group: str, info: list[str], category: str) -> bool:
    """Whether an answer (its answer_info) names the stereotyped group, with HELM's spelling fixes."""
    if group in info:
        return True
    spelled_inside = category == "Race_ethnicity" and group in ("Black", "African American", "Latino")
    if spelled_inside and any(group in entry for entry in info):  # e.g. "M-Black"
        return True
    if category == "SES" and group == "low SES" and any("lowSES" in entry for entry in info):
        return True
    if category == "Race_x_SES" and any(f"lowSES-{group}" in entry for entry in info):
        return True
    # HELM's condition (by operator precedence) checks these two spellings in every category.
    return any(f"lowSES-M-{group}" in entry or f"lowSES-F-{group}" in entry for entry in info)


def answer_letters(row: dict, category: str) -> tuple[str, str, str]:
    """(target, non-target, unknown) answer letters; "" where no answer has that role."""
    target = non_target = unknown = ""
    groups = row["additional_metadata"]["stereotyped_groups"]
    for i, letter in enumerate(LETTERS):
        info = row["answer_info"][f"ans{i}"]
        if any(response in info for response in UNKNOWN_RESPONSES):
            unknown = letter
        elif any(_is_target(group, info, category) for group in groups):
            target = letter
        else:
            non_target = letter
    return target, non_target, unknown


def make_instance(row: dict, category: str, split: str) -> Instance:
    answers = [row["ans0"], row["ans1"], row["ans2"]]
    label = row["label"]
    target, non_target, unknown = answer_letters(row, category)
    shared_tags = [
        NEGATIVE_TAG if row["question_polarity"] == "neg" else NON_NEGATIVE_TAG,
        AMBIGUOUS_TAG if row["context_condition"] == "ambig" else NON_AMBIGUOUS_TAG,
        LETTERS[label],
        target,
        non_target,
        unknown,
    ]
    references = [
        Reference(answer, ([CORRECT_TAG] if answer == answers[label] else []) + shared_tags)
        for answer in answers
    ]
    return Instance(
        input=passage_question_input(row["context"], row["question"]), references=references, split=split
    )


class BBQScenario(Scenario):
    name = "bbq"
    description = "Bias analysis of LM question-answering."
    tags = ["harms", "bias"]

    def __init__(self, subject: str = "all") -> None:
        check_subject(subject)
        self.subject = subject

    def get_instances(self) -> list[Instance]:
        subject = canonical_subject(self.subject)
        categories = CATEGORIES if subject == "all" else (subject,)
        rows: list[tuple[dict, str]] = []
        for category in categories:
            path = ensure_file_downloaded(
                DATA_URL.format(category), self.data_path("data", category), mirror=self.data_mirror
            )
            with open(path, encoding="utf-8") as f:
                for line_number, line in enumerate(f, 1):
                    try:
                        rows.append((json.loads(line), category))
                    except json.JSONDecodeError:
                        raise DataError(f"{path}:{line_number}: not a JSON line") from None
        random.Random(0).shuffle(rows)  # same permutation as HELM's random.seed(0); random.shuffle(...)
        num_train = len(rows) - TEST_SIZE
        return [
            make_instance(row, category, TRAIN_SPLIT if index < num_train else TEST_SPLIT)
            for index, (row, category) in enumerate(rows)
        ]
