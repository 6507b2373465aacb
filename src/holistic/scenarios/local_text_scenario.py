"""`local_text`: language modelling on your own text files (holistic's addition; no download).

`path` is a UTF-8 text file (one document) or a directory whose `*.txt` files are the documents, read in
sorted order. Every document is one TEST instance without references, like HELM's the_pile/wikitext.
"""

from __future__ import annotations

from pathlib import Path

from holistic.errors import DataError
from holistic.scenarios.base import TEST_SPLIT, Instance, Scenario


class LocalTextScenario(Scenario):
    name = "local_text"
    description = "Language modelling on local text files"
    tags = ["language_modeling"]

    def __init__(self, path: str) -> None:
        self.path = path

    def get_instances(self) -> list[Instance]:
        path = Path(self.path).expanduser()
        if path.is_dir():
            files = sorted(path.glob("*.txt"))
        elif path.is_file():
            files = [path]
        else:
            raise DataError(
                f"local_text: {path} does not exist (give path=<text file or directory of .txt files>)"
            )
        if not files:
            raise DataError(f"local_text: no .txt files in {path}")
        return [Instance(input=f.read_text(encoding="utf-8"), references=[], split=TEST_SPLIT) for f in files]

    @property
    def definition_path(self) -> str:
        return "holistic.scenarios.local_text_scenario"
