"""IMDb (Maas et al.): movie-review sentiment, with the contrast sets of Gardner et al. (§6.2 imdb)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from holistic.errors import DataError
from holistic.scenarios.base import CORRECT_TAG, TRAIN_SPLIT, VALID_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.inputs import parse_bool

log = logging.getLogger(__name__)

DATA_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
CONTRAST_URL = "https://raw.githubusercontent.com/allenai/contrast-sets/main/IMDb/data/{}"
# HELM's first runs used os.listdir order; this file (split -> class -> file names) pins that order.
PINNED_ORDER_URL = (
    "https://worksheets.codalab.org/rest/bundles/0xa75fa6eb8dc24e23a73d3a5ecb674b32/contents/blob/"
)
PINNED_ORDER_FILE = "imdb_scenario_pinned_file_order.json"
SPLIT_DIRECTORIES = ((TRAIN_SPLIT, "train"), (VALID_SPLIT, "test"))
CLASSES = (("pos", "Positive"), ("neg", "Negative"))
LABELS = {"Positive", "Negative"}


def _file_number(name: str) -> tuple[int, str]:
    match = re.match(r"(\d+)_", name)
    return (int(match.group(1)) if match else -1, name)


class IMDBScenario(Scenario):
    name = "imdb"
    description = "Sentiment analysis dataset."
    tags = ["sentiment_classification"]

    def __init__(self, only_contrast: bool | str = False) -> None:
        self.only_contrast = parse_bool(only_contrast, "only_contrast")

    def get_instances(self) -> list[Instance]:
        data = ensure_file_downloaded(DATA_URL, self.data_path("data"), unpack=True, mirror=self.data_mirror)
        contrast_map = self._contrast_map(data, "test")
        contrast_map.update(self._contrast_map(data, "dev"))
        pinned = self._pinned_order(data)
        instances = []
        for split, directory in SPLIT_DIRECTORIES:
            for class_directory, label in CLASSES:
                folder = data / directory / class_directory
                if not folder.is_dir():
                    raise DataError(
                        f"IMDb folder {folder} is missing (expected aclImdb's {directory}/{class_directory}/)"
                    )
                for path in self._files(
                    folder, pinned.get(split, {}).get(class_directory) if pinned else None
                ):
                    text = path.read_text(encoding="utf-8").strip()
                    instance_split = split
                    contrast_inputs = contrast_references = None
                    contrast = contrast_map.get(text)
                    if contrast is not None:
                        contrast_inputs = [contrast[0]]
                        contrast_references = [[Reference(contrast[1], [CORRECT_TAG])]]
                        # The contrast originals are mostly train reviews; they are evaluated, so they move to valid.
                        instance_split = VALID_SPLIT
                    elif self.only_contrast and split == VALID_SPLIT:
                        continue
                    instances.append(
                        Instance(
                            input=text,
                            references=[Reference(label, [CORRECT_TAG])],
                            split=instance_split,
                            contrast_inputs=contrast_inputs,
                            contrast_references=contrast_references,
                        )
                    )
        return instances

    def _contrast_map(self, data: Path, mode: str) -> dict[str, tuple[str, str]]:
        """Original review text -> (contrast review text, contrast label)."""
        columns = []
        for kind in ("original", "contrast"):
            name = f"{mode}_{kind}.tsv"
            path = ensure_file_downloaded(CONTRAST_URL.format(name), data / name, mirror=self.data_mirror)
            columns.append(path.read_text(encoding="utf-8").splitlines(keepends=True)[1:])
        contrast_map = {}
        for original_line, contrast_line in zip(*columns):
            original_label, original = original_line.strip().split("\t")
            contrast_label, contrast = contrast_line.strip().split("\t")
            if not {original_label, contrast_label} <= LABELS:
                raise DataError(f"IMDb contrast set {mode}: labels must be Positive or Negative")
            if original in contrast_map:
                raise DataError(f"IMDb contrast set {mode}: a review appears twice")
            contrast_map[original] = (contrast, contrast_label)
        return contrast_map

    def _pinned_order(self, data: Path) -> dict | None:
        target = data / PINNED_ORDER_FILE
        try:
            path = ensure_file_downloaded(PINNED_ORDER_URL, target, mirror=self.data_mirror)
        except DataError:
            log.warning(
                "imdb: %s is missing and cannot be fetched; reviews are read in file-number order, so the sampled "
                "eval instances differ from HELM's. Place HELM's pinned order file (%s) at %s to match them.",
                PINNED_ORDER_FILE, PINNED_ORDER_URL, target,
            )  # fmt: skip
            return None
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    @staticmethod
    def _files(folder: Path, pinned: list[str] | None) -> list[Path]:
        if pinned is None:
            return sorted(folder.iterdir(), key=lambda p: _file_number(p.name))
        paths = [folder / name for name in pinned]
        present = [p for p in paths if p.exists()]
        if len(present) < len(paths):
            log.warning(
                "imdb: %d of the %d pinned files of %s are missing; using the others",
                len(paths) - len(present),
                len(paths),
                folder,
            )
        return present
