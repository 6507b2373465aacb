"""PubMedQA (Jin et al.): yes/no/maybe questions about PubMed abstracts, the expert-labelled PQA-L set
(§6.2 pubmed_qa)."""

from __future__ import annotations

import json

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import passage_question_input

# HELM 0.5 reads the 1,000 PQA-L items from this pinned commit, all as test (docs/compatibility.md).
DATA_URL = "https://raw.githubusercontent.com/pubmedqa/pubmedqa/1f00b98d5cc626844bf8c4ca513b6e62c40071ec/data/ori_pqal.json"
DATA_SHA256 = "8b3276be8942ebbd77f3ddcda12c1749bf0e490045a736fd8438ee40cf37a41d"
ANSWERS = ("yes", "no", "maybe")


def make_instance(example: dict, split: str) -> Instance:
    labels, contexts = example["LABELS"], example["CONTEXTS"]
    if len(labels) != len(contexts):
        raise DataError(
            f"PubMedQA item {example.get('QUESTION')!r} has {len(labels)} labels for {len(contexts)} contexts"
        )
    background = "\n".join(f"{label.title()}. {context}" for label, context in zip(labels, contexts))
    answer = example["final_decision"]
    if answer not in ANSWERS:
        raise DataError(f"PubMedQA final_decision must be yes, no or maybe, not {answer!r}")
    return Instance(
        input=passage_question_input(
            background, example["QUESTION"] + "\n", passage_prefix="Context: ", separator="\n\n"
        ),
        references=[Reference(a, [CORRECT_TAG] if a == answer else []) for a in ANSWERS],
        split=split,
    )


class PubMedQAScenario(Scenario):
    name = "pubmed_qa"
    description = (
        "A dataset that provides pubmed abstracts and asks associated questions yes/no/maybe questions."
    )
    tags = ["question_answering", "biomedical"]

    def get_instances(self) -> list[Instance]:
        path = ensure_file_downloaded(
            DATA_URL, self.data_path("data", "test_set.json"), sha256=DATA_SHA256, mirror=self.data_mirror
        )
        with open(path, encoding="utf-8") as f:
            examples = json.load(f)
        return [make_instance(example, TEST_SPLIT) for example in examples.values()]
