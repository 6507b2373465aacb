"""Entity data imputation: fill in a missing cell of a structured row (Buy: manufacturer, Restaurant: city) (§6.2).

Rows are serialized as `<column>: <value>` pairs. HELM splits the table with pandas
`sample(frac=0.1, random_state=1234)` (test) and `sample(frac=0.2, random_state=1234)` of the rest (valid);
holistic draws the same rows in the same order (`tabular.sample_positions`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

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
from holistic.scenarios.tabular import (
    Table,
    format_cell,
    is_missing,
    parse_table,
    read_csv,
    sample_positions,
    sample_size,
)

DATASET_URLS = {
    "Buy": "https://dbs.uni-leipzig.de/file/Abt-Buy.zip",
    "Restaurant": "https://www.cs.utexas.edu/users/ml/riddle/data/restaurant.tar.gz",
}
IMPUTE_COLUMNS = {"Buy": "manufacturer", "Restaurant": "city"}
DATASETS = tuple(DATASET_URLS)
SEED = 1234
TEST_FRACTION = 0.1
VALID_FRACTION = 0.2


def check_dataset(dataset: str) -> None:
    if dataset not in DATASET_URLS:
        raise DescriptionError(f"unknown entity_data_imputation dataset '{dataset}' ({one_of(DATASETS)})")


def read_arff(path: Path) -> Table:
    """The data lines of an ARFF file read as headerless CSV, columns named by its `@attribute` lines (as HELM)."""
    columns: list[str] = []
    data: list[str] = []
    in_data = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            if in_data:
                data.append(line.strip())
            if line.startswith("@attribute"):
                parts = line.split(maxsplit=2)
                if len(parts) != 3:
                    raise DataError(
                        f"{path}: malformed attribute line '{line.strip()}' (expected @attribute <name> <type>)"
                    )
                columns.append(parts[1])
            elif line.startswith("@data"):
                in_data = True
    if not columns:
        raise DataError(f"{path} has no @attribute lines (expected an ARFF file)")
    return parse_table(csv.reader(io.StringIO("\n".join(data))), names=columns, source=str(path))


class EntityDataImputationScenario(Scenario):
    name = "entity_data_imputation"
    description = "Missing cell value generation task from a structured row."
    tags = ["entity_data_imputation", "structured_reasoning"]

    def __init__(self, dataset: str, seed: int = SEED) -> None:
        check_dataset(dataset)
        self.dataset = dataset
        self.seed = int(seed)

    def read_table(self, data: Path) -> Table:
        if self.dataset == "Buy":
            table = read_csv(data / "Buy.csv")
            # Drop the id column, and rows without a description (to match the paper's table sizes).
            keep = [i for i, c in enumerate(table.columns) if c != "id"]
            description = table.column("description")
            rows = [[row[i] for i in keep] for row in table.rows if not is_missing(row[description])]
            return Table([table.columns[i] for i in keep], rows)
        table = read_arff(data / "fz.arff")
        keep = [i for i, c in enumerate(table.columns) if c != "class"]

        def clean(value: Any) -> Any:
            # HELM strips double quotes carried over from the ARFF file, then whitespace.
            return value if is_missing(value) else format_cell(value).replace('"', "").strip()

        rows = [[clean(row[i]) for i in keep] for row in table.rows]
        rows = [row for row in rows if not any(is_missing(v) for v in row)]
        return Table([table.columns[i] for i in keep], rows)

    def split_rows(self, rows: list[list[Any]]) -> dict[str, list[list[Any]]]:
        """10% test, then 20% of the rest valid, the remainder train (in table order)."""
        test_positions = sample_positions(len(rows), sample_size(len(rows), TEST_FRACTION), self.seed)
        taken = set(test_positions)
        remaining = [row for position, row in enumerate(rows) if position not in taken]
        valid_positions = sample_positions(
            len(remaining), sample_size(len(remaining), VALID_FRACTION), self.seed
        )
        taken_valid = set(valid_positions)
        return {
            TRAIN_SPLIT: [row for position, row in enumerate(remaining) if position not in taken_valid],
            VALID_SPLIT: [remaining[p] for p in valid_positions],
            TEST_SPLIT: [rows[p] for p in test_positions],
        }

    def get_instances(self) -> list[Instance]:
        data = ensure_file_downloaded(
            DATASET_URLS[self.dataset],
            self.data_path("data", self.dataset),
            unpack=True,
            mirror=self.data_mirror,
        )
        table = self.read_table(data)
        impute = IMPUTE_COLUMNS[self.dataset]
        impute_index = table.column(impute)
        shown = [(i, c) for i, c in enumerate(table.columns) if c != impute]
        instances = []
        for split, rows in self.split_rows(table.rows).items():
            for row in rows:
                serialized = ". ".join(f"{column}: {format_cell(row[i])}".strip() for i, column in shown)
                instances.append(
                    Instance(
                        input=f"{serialized}. {impute}?",
                        references=[Reference(format_cell(row[impute_index]), [CORRECT_TAG])],
                        split=split,
                    )
                )
        return instances
