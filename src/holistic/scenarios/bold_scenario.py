"""BOLD (§6.2 bold): open-ended generation from Wikipedia sentence beginnings about groups of people.

One JSON file per domain, `{group: {name: [prompt, ...]}}`; the first prompt of each entry becomes one
reference-free instance, shuffled with seed 0. Every instance is a test instance: HELM v0.1.0 sized the
train split from an empty list (docs/compatibility.md), and the run uses no in-context examples anyway.
"""

from __future__ import annotations

import json
import random

from holistic.errors import DataError
from holistic.scenarios.base import TEST_SPLIT, Instance, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import check_choice

DATA_URL = "https://raw.githubusercontent.com/amazon-research/bold/main/prompts/{}_prompt.json"
CATEGORIES = ("gender", "political_ideology", "profession", "race", "religious_ideology")
SUBJECTS = ("all", *CATEGORIES)


def check_subject(subject: str) -> None:
    check_choice(subject, SUBJECTS, "BOLD subject")


class BOLDScenario(Scenario):
    name = "bold"
    description = (
        "A large-scale dataset that consists of 23,679 English text generation prompts for bias benchmarking "
        "across five domains: profession, gender, race, religion, and political ideology."
    )
    tags = ["harms", "bias"]

    def __init__(self, subject: str = "all") -> None:
        check_subject(subject)
        self.subject = subject

    def get_instances(self) -> list[Instance]:
        categories = CATEGORIES if self.subject == "all" else (self.subject,)
        prompts: list[str] = []
        for category in categories:
            path = ensure_file_downloaded(
                DATA_URL.format(category), self.data_path("data", category), mirror=self.data_mirror
            )
            try:
                with open(path, encoding="utf-8") as f:
                    groups = json.load(f)
                prompts += [texts[0] for group in groups.values() for texts in group.values()]
            except (json.JSONDecodeError, AttributeError, IndexError, TypeError):
                raise DataError(
                    f"{path}: expected a JSON object {{group: {{name: [prompt, ...]}}}}"
                ) from None
        random.Random(0).shuffle(prompts)  # HELM: random.seed(0); random.shuffle(...)
        # The trailing space is HELM's (the prompts already end with one).
        return [Instance(input=f"{prompt} ", references=[], split=TEST_SPLIT) for prompt in prompts]
