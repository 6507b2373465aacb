"""Single-document summarization: XSum, XSum-sampled and CNN/DailyMail (§6.2).

HELM downloads one pickle per dataset from CodaLab (`data/<tag>.pk`, a dict of split name -> list of rows).
The same rows are also read in the Hugging Face row layout, one JSON object per line in
`data/<tag>_<split>[_*].jsonl` (`validation`, not `valid`), which is how offline copies usually come
(`shared/data/summarization` holds XSum test rows that way, without a train split).
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

from holistic.errors import DataError, DescriptionError, one_of
from holistic.scenarios.base import (
    CORRECT_TAG,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    Reference,
    Scenario,
)
from holistic.scenarios.download import data_mirror, ensure_file_downloaded
from holistic.specs import AdapterSpec

CODALAB = "https://worksheets.codalab.org/rest/bundles/{}/contents/blob/"
# dataset_name -> (pickle tag, CodaLab bundle, article key, summary key)
DATASETS = {
    "xsum": ("xsum", "0xac5607f21bf945939edc56ea945496d5", "document", "summary"),
    "xsum-sampled": ("xsum-sampled", "0xcfbb0ef1226040f78e58060c9e4d13cf", "document", "summary"),
    "cnn-dm": ("cnndm", "0x07630390bbda44879a2ad36e2125d64c", "article", "highlights"),
}
SPLITS = {"train": TRAIN_SPLIT, "validation": VALID_SPLIT, "test": TEST_SPLIT}


def clean_and_truncate(text: str, max_length: int | None = None) -> str:
    """Newlines become spaces, whitespace runs collapse, and at most `max_length` words are kept."""
    return " ".join(text.replace("\n", " ").split()[:max_length])


def is_filtered_xsum_example(article: str, summary: str) -> bool:
    """HELM's XSum train filter: page furniture, short summaries, summaries long relative to the article."""
    if "Media playback is unsupported on your device" in article or "Last updated at" in article:
        return True
    summary_length = len(summary.split())
    return summary_length <= 10 or summary_length / len(article.split()) > 0.2


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DataError(f"{path}:{number}: not a JSON line ({e.msg})") from None
    return rows


class SummarizationScenario(Scenario):
    name = "summarization"
    description = "Scenario for summarization tasks"
    tags = ["summarization"]

    def __init__(
        self,
        dataset_name: str,
        sampling_min_length: int | None = None,
        sampling_max_length: int | None = None,
        doc_max_length: int | None = None,
    ) -> None:
        if dataset_name not in DATASETS:
            raise DescriptionError(f"unknown summarization dataset '{dataset_name}' ({one_of(DATASETS)})")
        self.dataset_name = dataset_name
        self.sampling_min_length = sampling_min_length
        self.sampling_max_length = sampling_max_length
        self.doc_max_length = doc_max_length
        self.splits_found: list[str] = []

    def _jsonl_files(self, tag: str) -> dict[str, list[Path]]:
        """Hugging Face row files for `tag`, per split name, copied from the mirror when it has them."""
        data_dir = self.data_path("data")
        mirror = data_mirror(self.data_mirror)
        if mirror and not any(data_dir.glob(f"{tag}_*.jsonl")):
            mirror_dir = Path(mirror, self.name, "data")
            for source in sorted(mirror_dir.glob(f"{tag}_*.jsonl")) if mirror_dir.is_dir() else []:
                data_dir.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, data_dir / source.name)
        files: dict[str, list[Path]] = {}
        for path in sorted(data_dir.glob(f"{tag}_*.jsonl")):
            split_name = path.stem[len(tag) + 1 :].split("_", 1)[0]
            if split_name in SPLITS:
                files.setdefault(split_name, []).append(path)
        return files

    def load_rows(self) -> dict[str, list[dict]]:
        """Split name -> rows, from HELM's pickle if present, else from Hugging Face JSONL rows, else download."""
        tag, bundle, _, _ = DATASETS[self.dataset_name]
        pickle_path = self.data_path("data", f"{tag}.pk")
        if not pickle_path.exists():
            jsonl = self._jsonl_files(tag)
            if jsonl:
                return {
                    split: [row for p in paths for row in _read_jsonl(p)] for split, paths in jsonl.items()
                }
        ensure_file_downloaded(CODALAB.format(bundle), pickle_path, mirror=self.data_mirror)
        try:
            with open(pickle_path, "rb") as f:
                dataset = pickle.load(f)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as e:
            raise DataError(
                f"{pickle_path} is not HELM's {tag} pickle ({e.__class__.__name__}: {e})"
            ) from None
        if not isinstance(dataset, dict) or not any(split in dataset for split in SPLITS):
            raise DataError(f"{pickle_path} holds no {', '.join(SPLITS)} splits (HELM's {tag}.pk layout)")
        return {split: list(dataset[split]) for split in SPLITS if split in dataset}

    def get_instances(self) -> list[Instance]:
        tag, _, article_key, summary_key = DATASETS[self.dataset_name]
        rows_by_split = self.load_rows()
        self.splits_found = [split for split in SPLITS if rows_by_split.get(split)]
        instances = []
        for split_name, split in SPLITS.items():
            for row in rows_by_split.get(split_name, []):
                if article_key not in row or summary_key not in row:
                    raise DataError(f"{tag} {split_name} row without '{article_key}' and '{summary_key}'")
                article = clean_and_truncate(row[article_key], self.doc_max_length)
                summary = clean_and_truncate(row[summary_key])
                if split == TRAIN_SPLIT:
                    length = len(article.split())
                    if self.sampling_max_length and length > self.sampling_max_length:
                        continue
                    if self.sampling_min_length and length < self.sampling_min_length:
                        continue
                    if self.dataset_name == "xsum" and is_filtered_xsum_example(article, summary):
                        continue
                instances.append(Instance(article, [Reference(summary, [CORRECT_TAG])], split=split))
        return instances

    def check_adapter_spec(self, adapter_spec: AdapterSpec) -> None:
        """In-context examples come from the train split; without one, say so rather than run zero-shot."""
        if adapter_spec.max_train_instances > 0 and "train" not in self.splits_found:
            tag = DATASETS[self.dataset_name][0]
            found = ", ".join(self.splits_found) or "no"
            raise DataError(
                f"{self.dataset_name} has no train split to draw {adapter_spec.max_train_instances} in-context "
                f"examples from (found {found} rows under {self.data_path('data')}; HELM's {tag}.pk has all "
                f"splits); add max_train_instances=0 to the description to run without them"
            )
