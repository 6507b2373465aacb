"""Entity matching (DeepMatcher benchmark): do two structured rows describe the same entity? (§6.2).

Each data set has tables A and B and labelled candidate pairs (`ltable_id`, `rtable_id`, `label`) per split.
HELM joins them with pandas `merge` (holistic keeps pandas 1.x's row order, see `tabular.inner_merge_order`)
and balances the train split by sampling as many non-matches as there are matches. HELM v0.1.0 drew that
sample from NumPy's unseeded global generator; holistic seeds it (`RandomState(0)`, what later HELM uses
for data sets without a saved state), so the in-context examples are the same on every run.
"""

from __future__ import annotations

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
from holistic.scenarios.download import ensure_file_downloaded
from holistic.scenarios.tabular import Table, format_cell, inner_merge_order, read_csv, sample_positions

BASE_URL = "http://pages.cs.wisc.edu/~anhai/data1/deepmatcher_data"
DATASET_PATHS = {
    "Beer": "Structured/Beer",
    "iTunes_Amazon": "Structured/iTunes-Amazon",
    "Fodors_Zagats": "Structured/Fodors-Zagats",
    "DBLP_ACM": "Structured/DBLP-ACM",
    "DBLP_GoogleScholar": "Structured/DBLP-GoogleScholar",
    "Amazon_Google": "Structured/Amazon-Google",
    "Walmart_Amazon": "Structured/Walmart-Amazon",
    "Abt_Buy": "Textual/Abt-Buy",
    "Company": "Textual/Company",
    "Dirty_iTunes_Amazon": "Dirty/iTunes-Amazon",
    "Dirty_DBLP_ACM": "Dirty/DBLP-ACM",
    "Dirty_DBLP_GoogleScholar": "Dirty/DBLP-GoogleScholar",
    "Dirty_Walmart_Amazon": "Dirty/Walmart-Amazon",
}
DATASETS = tuple(DATASET_PATHS)
TRAIN_BALANCE_SEED = 0


def check_dataset(dataset: str) -> None:
    if dataset not in DATASET_PATHS:
        raise DescriptionError(f"unknown entity_matching dataset '{dataset}' ({one_of(DATASETS)})")


def dataset_url(dataset: str) -> str:
    return f"{BASE_URL}/{DATASET_PATHS[dataset]}/{dataset.lower()}_exp_data.zip"


def _serialize(table: Table, row: list) -> str:
    return ". ".join(
        f"{column}: {format_cell(value)}".strip()
        for column, value in zip(table.columns, row)
        if column != "id"
    )


class EntityMatchingScenario(Scenario):
    name = "entity_matching"
    description = "T/F generation task for determining if two structured rows refer to the same entity."
    tags = ["entity_matching", "structured_reasoning"]

    def __init__(self, dataset: str) -> None:
        check_dataset(dataset)
        self.dataset = dataset

    def labelled_pairs(
        self, data: Path, split: str, table_a: Table, table_b: Table
    ) -> list[tuple[list, list, bool]]:
        """(row of A, row of B, is a match) for the candidate pairs of a split, in pandas' merge order."""
        labels = read_csv(data / f"{split}.csv")
        left, right, label = labels.column("ltable_id"), labels.column("rtable_id"), labels.column("label")
        a_ids = [row[table_a.column("id")] for row in table_a.rows]
        b_ids = [row[table_b.column("id")] for row in table_b.rows]
        with_a = inner_merge_order([row[left] for row in labels.rows], a_ids)
        with_b = inner_merge_order([labels.rows[i][right] for i, _ in with_a], b_ids)
        pairs = []
        for merged, b in with_b:
            label_row, a = with_a[merged]
            value = labels.rows[label_row][label]
            if value not in (0, 1):
                raise DataError(f"{data / split}.csv: label '{format_cell(value)}' (expected 0 or 1)")
            pairs.append((table_a.rows[a], table_b.rows[b], value == 1))
        if split == TRAIN_SPLIT:
            pairs = self.balance(pairs, data / f"{split}.csv")
        return pairs

    @staticmethod
    def balance(pairs: list[tuple[list, list, bool]], path: Path) -> list[tuple[list, list, bool]]:
        """As many non-matches as matches: pandas `groupby("label").apply(sample(n_matches))`, seeded."""
        import numpy as np

        matches = [p for p in pairs if p[2]]
        non_matches = [p for p in pairs if not p[2]]
        if len(matches) >= len(non_matches):
            raise DataError(
                f"{path}: expected fewer matches than non-matches to balance, got {len(matches)} and {len(non_matches)}"
            )
        rng = np.random.RandomState(TRAIN_BALANCE_SEED)
        # Groups in label order (0, then 1), each sampled from the same generator.
        sampled = [non_matches[i] for i in sample_positions(len(non_matches), len(matches), rng)]
        return sampled + [matches[i] for i in sample_positions(len(matches), len(matches), rng)]

    def get_instances(self) -> list[Instance]:
        data = ensure_file_downloaded(
            dataset_url(self.dataset),
            self.data_path("data", self.dataset),
            unpack=True,
            unpack_type="unzip",
            mirror=self.data_mirror,
        )
        table_a, table_b = read_csv(data / "tableA.csv"), read_csv(data / "tableB.csv")
        instances = []
        for split in (TRAIN_SPLIT, VALID_SPLIT, TEST_SPLIT):
            for row_a, row_b, match in self.labelled_pairs(data, split, table_a, table_b):
                text = f"Product A is {_serialize(table_a, row_a)}. Product B is {_serialize(table_b, row_b)}. Are A and B the same?"
                instances.append(
                    Instance(
                        input=text,
                        references=[Reference("Yes" if match else "No", [CORRECT_TAG])],
                        split=split,
                    )
                )
        return instances
