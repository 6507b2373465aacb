"""Natural Questions (dev set): closed book, open book with the Wikipedia page, or with the long answer (§6.2).

Only the five dev files are used; within each file the questions with a short answer alternate train/valid.
Each file is reduced once to `<file>-instances.jsonl` (title, cleaned document, question, long and short
answers), HELM's cache format. When that reduced file exists (here or in a data mirror) the large `.gz`
file is not needed.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

from holistic.errors import DataError, DescriptionError, one_of
from holistic.scenarios.base import CORRECT_TAG, TRAIN_SPLIT, VALID_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import copy_from_mirror, ensure_file_downloaded

BASE_URL = "https://storage.googleapis.com/natural_questions/v1.0/dev"
FILES = tuple(f"nq-dev-{i:02d}.jsonl.gz" for i in range(5))
MODES = ("openbook_wiki", "openbook_longans", "closedbook")
SEED = 0
_TAG = re.compile("<([^>]*)>")


def check_mode(mode: str) -> None:
    if mode not in MODES:
        raise DescriptionError(f"unknown natural_qa mode '{mode}' ({one_of(MODES)})")


@dataclass(frozen=True)
class RawInstance:
    title: str
    """Wikipedia page title."""

    document: str
    """The page's tokens, cleaned, joined by spaces."""

    question: str
    """The question as asked (lowercase, no question mark)."""

    long_answers: list[str]
    """For each short answer, the long answer (paragraph) it came from."""

    short_answers: list[str]
    """Every annotator's short answer spans."""


def _clean_token(token: str) -> str:
    """A document token: spaces to underscores, HTML entities decoded, tags dropped (NQ's text_utils)."""
    return _TAG.sub("", html.unescape(token.replace(" ", "_")))


def _clean_span(raw: bytes) -> str:
    """An answer's byte span of the page HTML as text."""
    return _TAG.sub("", html.unescape(raw.replace(b"\xc2\xa0", b" ").decode("utf-8")))


def reduce_sample(sample: dict) -> RawInstance:
    page = sample["document_html"].encode("utf-8")
    short_answers: list[str] = []
    long_answers: list[str] = []
    for annotation in sample["annotations"]:
        span = annotation["long_answer"]
        long_answer = _clean_span(page[span["start_byte"] : span["end_byte"]])
        for short in annotation["short_answers"]:
            short_answers.append(_clean_span(page[short["start_byte"] : short["end_byte"]]))
            long_answers.append(long_answer)
    return RawInstance(
        title=sample["document_title"],
        document=" ".join(_clean_token(t["token"]) for t in sample["document_tokens"]),
        question=sample["question_text"],
        long_answers=long_answers,
        short_answers=short_answers,
    )


class NaturalQAScenario(Scenario):
    name = "natural_qa"
    description = "Question answering from wikipedia."
    tags = ["question_answering"]

    def __init__(self, mode: str) -> None:
        check_mode(mode)
        self.mode = mode

    def raw_instances(self, file_name: str) -> list[RawInstance]:
        reduced = self.data_path("data", f"{file_name}-instances.jsonl")
        if not reduced.exists() and not copy_from_mirror(reduced, self.data_mirror):
            self._reduce(file_name, reduced)
        raw = []
        with open(reduced, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                try:
                    raw.append(RawInstance(**json.loads(line)))
                except (ValueError, TypeError) as e:
                    raise DataError(
                        f"{reduced}:{number}: not a reduced Natural Questions record ({e})"
                    ) from None
        return raw

    def _reduce(self, file_name: str, reduced: Path) -> None:
        source = ensure_file_downloaded(
            f"{BASE_URL}/{file_name}", self.data_path("data", file_name), mirror=self.data_mirror
        )
        tmp = reduced.with_name(f".{reduced.name}.tmp")
        try:
            with gzip.open(source) as lines, open(tmp, "w", encoding="utf-8") as out:
                for line in lines:
                    sample = json.loads(line)
                    # Only questions at least one annotator gave a short answer to.
                    if any(annotation["short_answers"] for annotation in sample["annotations"]):
                        raw = reduce_sample(sample)
                        out.write(json.dumps(raw.__dict__) + "\n")
        except (OSError, EOFError, ValueError, KeyError) as e:
            tmp.unlink(missing_ok=True)
            raise DataError(
                f"cannot read {source} as Natural Questions data ({e.__class__.__name__}: {e})"
            ) from None
        os.replace(tmp, reduced)

    def make_instance(self, raw: RawInstance, split: str, rng: random.Random) -> Instance:
        question = raw.question.capitalize()
        if not question.endswith("?"):
            question += "?"
        answer_index = rng.randint(0, len(raw.short_answers) - 1)
        if self.mode == "closedbook":
            text = question
        elif self.mode == "openbook_wiki":
            text = f"Title: {raw.title}\n\nPassage: {raw.document}\n\nQuestion: {question}"
        else:
            text = f"Passage: {raw.long_answers[answer_index]}\n\nQuestion: {question}"
        if split == TRAIN_SPLIT:
            answers = raw.short_answers[answer_index : answer_index + 1]
        else:
            answers = list(dict.fromkeys(raw.short_answers))
        return Instance(input=text, references=[Reference(a, [CORRECT_TAG]) for a in answers], split=split)

    def get_instances(self) -> list[Instance]:
        rng = random.Random(SEED)
        instances = []
        for file_name in FILES:
            for index, raw in enumerate(self.raw_instances(file_name)):
                instances.append(self.make_instance(raw, TRAIN_SPLIT if index % 2 == 0 else VALID_SPLIT, rng))
        return instances
