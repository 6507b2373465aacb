"""MMLU's InteractiveQA subset: five subjects, a small test set from CodaLab (§6.2 interactive_qa_mmlu)."""

from __future__ import annotations

from holistic.errors import DataError
from holistic.scenarios.base import TEST_SPLIT, TRAIN_SPLIT, Instance
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import check_choice
from holistic.scenarios.mmlu_scenario import MMLU_URL, MMLUScenario

INTERACTIVE_QA_URL = (
    "https://worksheets.codalab.org/rest/bundles/0x4d49146fe16c4559bc64af6cbc04992d/contents/blob/"
)
SUBJECTS = ("college_chemistry", "global_facts", "miscellaneous", "nutrition", "us_foreign_policy")


def check_subject(subject: str) -> None:
    check_choice(subject, SUBJECTS, "InteractiveQA MMLU subject")


class InteractiveQAMMLUScenario(MMLUScenario):
    name = "interactive_qa_mmlu"
    description = "Massive Multitask Language Understanding (InteractiveQA subset)"
    tags = ["knowledge", "multiple_choice"]

    def __init__(self, subject: str) -> None:
        check_subject(subject)
        super().__init__(subject)

    def get_instances(self) -> list[Instance]:
        data = ensure_file_downloaded(
            MMLU_URL, self.data_path("data"), unpack=True, unpack_type="untar", mirror=self.data_mirror
        )
        dev = data / "dev" / f"{self.subject}_dev.csv"
        if not dev.exists():
            raise DataError(f"MMLU dev file {dev} is missing (unpack {MMLU_URL} into {data})")
        subset = ensure_file_downloaded(
            INTERACTIVE_QA_URL,
            data / "test" / "interactive_qa",
            unpack=True,
            unpack_type="untar",
            mirror=self.data_mirror,
        )
        test = subset / f"{self.subject}_test.csv"
        if not test.exists():
            raise DataError(
                f"InteractiveQA test file {test} is missing (unpack {INTERACTIVE_QA_URL} into {subset})"
            )
        return self._read(dev, TRAIN_SPLIT) + self._read(test, TEST_SPLIT)
