"""Copyright (§6.2 copyright): extraction of protected text from a prefix of a book or a source file.

One Google Drive JSON file per data tag, `{"data": {prefix: prefix_and_rest_of_text}, "metadata": ...}`;
each entry is one test instance whose single reference is the prefix followed by the rest of the text.
"""

from __future__ import annotations

import json

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import check_choice

# Data tag -> Google Drive file id (HELM's list).
TEXT_DATATAGS = {
    "pilot": "1NwzDx19uzIwBuw7Lq5CSytG7jIth2wJ-",
    "n_books_1000-extractions_per_book_1-prefix_length_5": "16nQD8Nq3ma4K2EZLXHcahG9fcBDxS-zB",
    "n_books_1000-extractions_per_book_1-prefix_length_25": "108sZcMjzY7mvyy1p5Rw62_A8A1I2zM2S",
    "n_books_1000-extractions_per_book_1-prefix_length_125": "10uC4jM6tgI1pgtq--07FFHQ2Te7-SXGA",
    "n_books_1000-extractions_per_book_3-prefix_length_5": "1byrafXv2iULcZArxguJZp2LyFxswX7fN",
    "n_books_1000-extractions_per_book_3-prefix_length_25": "13QOKOd5Fpu5cVu1HRBYxzRcQzwhcPhjD",
    "n_books_1000-extractions_per_book_3-prefix_length_125": "1Y6QvYStCJVanHaI67Pxep3HakWL2cIRP",
    "popular_books-prefix_length_5.json": "11f5aB8IO_iseVdolvW_D3aZ9xeiLCAuv",
    "popular_books-prefix_length_10.json": "1oG9dMz1WiJZiuoXqw4ahFf1HmKWQtwJh",
    "popular_books-prefix_length_25.json": "1dN208HdBD6koaOHQlSDPkOnBrY3-9AfE",
    "popular_books-prefix_length_50.json": "1W_8C6QnISfFkc0tZtKdXKNhoTfgSCrbP",
    "popular_books-prefix_length_125.json": "1RT29rRKNNXKgZBhXNbqevLwR440g44it",
    "popular_books-prefix_length_250.json": "1KcQ3EJGAZO6fSqYXRH5eK122h1hUKZTp",
    "oh_the_places": "1KXqhO14HmCGQ67tuu2ECGbTGloTkBvzt",
}
CODE_DATATAGS = {
    "prompt_num_line_1-min_lines_20.json": "1OLFyW5u7govgIw3ztsZ_5yYV0YpGzi-3",
    "prompt_num_line_5-min_lines_20.json": "1YbDvyAv9hT0BaZ5LV6Y-Y8tGezrBnBAT",
    "prompt_num_line_10-min_lines_20.json": "1Y5piYwil7T6n8toT_-d7NWqVZHh9NVxJ",
}
DATATAGS = {**TEXT_DATATAGS, **CODE_DATATAGS}


def check_datatag(datatag: str) -> None:
    check_choice(datatag, DATATAGS, "copyright datatag")


class CopyrightScenario(Scenario):
    name = "copyright"
    description = "Data extraction attacks based on the original BookCorpus, curated popular books, and GPL source code."
    tags = ["harms", "copyright"]

    def __init__(self, datatag: str = "pilot") -> None:
        check_datatag(datatag)
        self.datatag = datatag

    @property
    def source_url(self) -> str:
        return f"https://drive.google.com/uc?id={DATATAGS[self.datatag]}"

    def get_instances(self) -> list[Instance]:
        # HELM appends ".json" even to tags that already end with it.
        path = ensure_file_downloaded(
            self.source_url, self.data_path(f"{self.datatag}.json"), mirror=self.data_mirror
        )
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)["data"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise DataError(f'{path}: expected a JSON object {{"data": {{prefix: text}}, ...}}') from None
        return [
            Instance(input=prefix, references=[Reference(text, [CORRECT_TAG])], split=TEST_SPLIT)
            for prefix, text in data.items()
        ]
