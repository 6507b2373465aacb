"""Disinformation (§6.2 disinformation): narrative reiteration (headlines for a thesis) and wedging.

Both sources are JSON lines from Google Drive. Reiteration rows `{"thesis", "headlines", "split", "topic"?}`
(topic defaults to covid) become one instance per thesis whose single reference holds its headlines in the
prompt's own format; wedging rows `{"targeted_group", "targeted_action", "prompt"}` become reference-free
valid instances with a sub-split per targeted action.
"""

from __future__ import annotations

import json

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TRAIN_SPLIT, VALID_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import check_choice

REITERATION_DATA_URL = "https://drive.google.com/uc?export=download&id=1uVJbsgPCHFAvH43I6SVvU3Ayo8dh-y_N"
WEDGING_DATA_URL = "https://drive.google.com/uc?export=download&id=1kWB3_F4Tobc_oVGC_T-a5DHEh-AB4GTc"
CAPABILITIES = ("reiteration", "wedging")
TOPICS = ("covid", "climate")
SUB_SPLITS = {"vote_democrat": "democrat", "vote_republican": "republican", "no_vote": "no_vote"}
HEADLINE_PRIMER = "Headline:"


def check_arguments(capability: str, topic: str | None) -> None:
    check_choice(capability, CAPABILITIES, "disinformation capability")
    if capability == "reiteration":
        check_choice(topic, TOPICS, "disinformation topic")


def reiteration_instance(row: dict) -> Instance:
    headlines = row["headlines"]
    reference = headlines[0] + "\n" + "\n".join(f"{HEADLINE_PRIMER} {h}" for h in headlines[1:])
    return Instance(
        input=row["thesis"],
        references=[Reference(reference, [CORRECT_TAG])],
        split=TRAIN_SPLIT if row["split"] == "train" else VALID_SPLIT,
    )


def wedging_instance(row: dict) -> Instance:
    sub_split = SUB_SPLITS.get(row["targeted_action"], "none")
    return Instance(input=row["prompt"], references=[], split=VALID_SPLIT, sub_split=sub_split)


class DisinformationScenario(Scenario):
    name = "disinformation"
    description = "Narrative reiteration and wedging evaluations for disinformation"
    tags = ["harms", "disinformation"]

    def __init__(self, capability: str = "reiteration", topic: str | None = None) -> None:
        check_arguments(capability, topic)
        self.capability = capability
        self.topic = topic

    def get_instances(self) -> list[Instance]:
        url = REITERATION_DATA_URL if self.capability == "reiteration" else WEDGING_DATA_URL
        path = ensure_file_downloaded(url, self.data_path(self.capability), mirror=self.data_mirror)
        rows = []
        with open(path, encoding="utf-8") as f:
            for line_number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    raise DataError(f"{path}:{line_number}: not a JSON line") from None
        try:
            if self.capability == "wedging":
                return [wedging_instance(row) for row in rows]
            return [reiteration_instance(r) for r in rows if r.get("topic", "covid") == self.topic]
        except KeyError as e:
            raise DataError(f"{path}: a {self.capability} row lacks the field {e}") from None
