"""TwitterAAE (Blodgett et al., 2016): language modelling on tweets by demographic dialect (§6.2).

HELM's sets are 50,000 tweets sampled from the most African-American-aligned (`aa`) or white-aligned
(`white`) tweets; each CSV row's first column is one instance.
"""

from __future__ import annotations

import csv

from holistic.errors import DescriptionError, one_of
from holistic.scenarios.base import TEST_SPLIT, Instance, Scenario
from holistic.scenarios.download import ensure_file_downloaded

DATA_URL = (
    "https://worksheets.codalab.org/rest/bundles/0x31485f8c37ad481fb9f4e9bf7ccff6e5/contents/blob/"
    "{demographic}_tweets.csv"
)
DEMOGRAPHICS = ("aa", "white")


def check_demographic(demographic: str) -> None:
    if demographic not in DEMOGRAPHICS:
        raise DescriptionError(f"unknown twitter_aae demographic '{demographic}' ({one_of(DEMOGRAPHICS)})")


class TwitterAAEScenario(Scenario):
    name = "twitter_aae"
    description = "Twitter African-American English"
    tags = ["bias", "language_modeling"]

    def __init__(self, demographic: str = "aa") -> None:
        check_demographic(demographic)
        self.demographic = demographic

    def get_instances(self) -> list[Instance]:
        path = ensure_file_downloaded(
            DATA_URL.format(demographic=self.demographic),
            self.data_path(f"{self.demographic}_tweets.csv"),
            mirror=self.data_mirror,
        )
        with open(path, encoding="utf-8") as f:
            return [Instance(row[0], [], split=TEST_SPLIT) for row in csv.reader(f) if row]
