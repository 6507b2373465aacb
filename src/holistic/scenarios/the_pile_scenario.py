"""The Pile (Gao et al., 2020): per-document language modelling on one of its 22 subsets (§6.2).

HELM downloads the test set (`test.jsonl.zst`, decompressed to `data`), sorts its documents by
`meta.pile_set_name` into one CSV per subset (`<subset>.csv`, written and read as HELM does, so a document's
`\\r\\n` reads back as `\\n`), and keeps the documents whose positions are listed in EleutherAI's
`lm_perplexity` subsample (`group0.json`), except for the three subsets too small to subsample.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

from holistic.errors import DataError, DescriptionError, one_of
from holistic.scenarios.base import TEST_SPLIT, Instance, Scenario
from holistic.scenarios.download import ensure_file_downloaded

DATA_URL = "https://mystic.the-eye.eu/public/AI/pile/test.jsonl.zst"
INDICES_URL = "https://raw.githubusercontent.com/EleutherAI/lm_perplexity/main/assets/test_subsample_indices/{}/group0.json"
# Subset -> the short name of lm_perplexity's subsample indices.
SUBSETS = {
    "ArXiv": "arxiv",
    "BookCorpus2": "bookcorpus",
    "Books3": "bibliotik",
    "DM Mathematics": "dm-mathematics",
    "Enron Emails": "enron",
    "EuroParl": "europarl",
    "FreeLaw": "freelaw",
    "Github": "github",
    "Gutenberg (PG-19)": "gutenberg",
    "HackerNews": "hackernews",
    "NIH ExPorter": "nih-exporter",
    "OpenSubtitles": "opensubtitles",
    "OpenWebText2": "openwebtext2",
    "PhilPapers": "philpapers",
    "Pile-CC": "commoncrawl",
    "PubMed Abstracts": "pubmed-abstracts",
    "PubMed Central": "pubmed-central",
    "StackExchange": "stackexchange",
    "USPTO Backgrounds": "uspto",
    "Ubuntu IRC": "ubuntu-irc",
    "Wikipedia (en)": "wikipedia",
    "YoutubeSubtitles": "youtubesubtitles",
}
# Too few documents to split ten ways: every document is used.
WITHOUT_SUBSAMPLE = {"ubuntu-irc", "bookcorpus", "philpapers"}


def check_subset(subset: str) -> None:
    if subset not in SUBSETS:
        raise DescriptionError(f"unknown the_pile subset '{subset}' ({one_of(sorted(SUBSETS), subset)})")


class ThePileScenario(Scenario):
    name = "the_pile"
    description = "The Pile"
    tags = ["language_modeling"]

    def __init__(self, subset: str) -> None:
        check_subset(subset)
        self.subset = subset

    def cache_subsets(self, data_path: Path) -> None:
        """Split the test set into one CSV per subset; written to temporary names, then renamed."""
        paths = {s: self.data_path(f"{s}.csv") for s in SUBSETS}
        files = {s: open(p.with_name(f".{p.name}.writing"), "w", encoding="utf-8") for s, p in paths.items()}  # noqa: SIM115
        try:
            writers = {s: csv.writer(f) for s, f in files.items()}
            with open(data_path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        document = json.loads(line)
                        subset, text = document["meta"]["pile_set_name"], document["text"]
                    except (ValueError, KeyError, TypeError):
                        raise DataError(
                            f"{data_path}:{number}: not a Pile document (text, meta.pile_set_name)"
                        ) from None
                    if subset not in writers:
                        raise DataError(f"{data_path}:{number}: unknown pile_set_name '{subset}'")
                    writers[subset].writerow([text])
        finally:
            for file in files.values():
                file.close()
        for path in paths.values():
            os.replace(path.with_name(f".{path.name}.writing"), path)

    def get_instances(self) -> list[Instance]:
        data_path = ensure_file_downloaded(
            DATA_URL, self.data_path("data"), unpack=True, mirror=self.data_mirror
        )
        subset_path = self.data_path(f"{self.subset}.csv")
        if not subset_path.exists():
            self.cache_subsets(data_path)
        csv.field_size_limit(sys.maxsize)
        with open(subset_path, encoding="utf-8") as f:
            texts = [row[0] for row in csv.reader(f)]
        short_name = SUBSETS[self.subset]
        if short_name not in WITHOUT_SUBSAMPLE:
            # HELM fetches the indices on every run; here they are kept beside the data (and can be mirrored).
            indices_path = ensure_file_downloaded(
                INDICES_URL.format(short_name),
                self.data_path("test_subsample_indices", short_name, "group0.json"),
                mirror=self.data_mirror,
            )
            try:
                indices = sorted(set(json.loads(indices_path.read_text())))
            except ValueError:
                raise DataError(f"{indices_path} is not a JSON list of document positions") from None
            if indices and (indices[0] < 0 or indices[-1] >= len(texts)):
                raise DataError(
                    f"{indices_path} lists document {indices[-1]}, but {subset_path} has {len(texts)} documents"
                )
            texts = [texts[i] for i in indices]
        return [Instance(text, [], split=TEST_SPLIT) for text in texts]
