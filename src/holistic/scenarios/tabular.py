"""The few pandas behaviours HELM's table scenarios depend on, without pandas.

HELM reads civil_comments, entity_matching and entity_data_imputation with `pandas.read_csv` and turns
cells into text with f-strings, so the prompt text depends on pandas' type inference (an integer column
with a missing value becomes float: `5` prints as `5.0`, a missing value as `nan`). Splits use
`DataFrame.sample(frac=..., random_state=seed)` (NumPy legacy `RandomState(seed).permutation`) and
entity_matching orders merged rows the way pandas 1.x's inner `merge` does. This module reproduces those
behaviours for the column types the data sets contain (integers, floats, booleans, strings).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holistic.errors import DataError

# pandas' default `na_values`: these cell texts (unquoted or quoted) read as NaN.
NA_STRINGS = frozenset(
    {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
     "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
)  # fmt: skip
TRUE_STRINGS = frozenset({"True", "TRUE", "true"})
FALSE_STRINGS = frozenset({"False", "FALSE", "false"})

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity|nan)", re.IGNORECASE)

NAN = math.nan


@dataclass
class Table:
    columns: list[str]
    """Column names in file order."""

    rows: list[list[Any]]
    """Typed cells: int, float (NaN for missing), bool or str."""

    def column(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            raise DataError(f"column '{name}' is missing (columns: {', '.join(self.columns)})") from None

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def is_missing(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def format_cell(value: Any) -> str:
    """What `f"{cell}"` prints for a pandas cell (NumPy floats print like Python's repr)."""
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    return str(value)


def _infer_column(texts: list[str | None]) -> list[Any]:
    """pandas' C-parser inference: int64, else float64 (NaN for missing), else bool, else object."""
    present = [t for t in texts if t is not None]
    if not present:
        return [NAN] * len(texts)
    if all(_INT.fullmatch(t.strip()) for t in present):
        if len(present) == len(texts):
            return [int(t) for t in texts]  # type: ignore[arg-type]
        return [NAN if t is None else float(int(t)) for t in texts]
    if all(_FLOAT.fullmatch(t.strip()) for t in present):
        return [NAN if t is None else float(t) for t in texts]
    if all(t in TRUE_STRINGS or t in FALSE_STRINGS for t in present):
        return [NAN if t is None else t in TRUE_STRINGS for t in texts]
    return [NAN if t is None else t for t in texts]


def parse_table(
    lines: Iterable[Sequence[str]],
    names: list[str] | None = None,
    source: str = "table",
    usecols: Sequence[str] | None = None,
) -> Table:
    """Build a typed Table from CSV records; the first record is the header unless `names` is given.

    `usecols` keeps only those columns (pandas types each column on its own, so the cells are the same).
    """
    records = (r for r in lines if r)  # pandas skips blank lines
    if names is None:
        header = next(records, None)
        if header is None:
            raise DataError(f"{source} is empty (expected a header line)")
        header = list(header)
    else:
        header = list(names)
    width = len(header)
    keep = list(range(width))
    if usecols is not None:
        missing = [c for c in usecols if c not in header]
        if missing:
            raise DataError(f"{source}: column '{missing[0]}' is missing (columns: {', '.join(header)})")
        keep = [i for i, name in enumerate(header) if name in usecols]
    texts: list[list[str | None]] = [[] for _ in keep]
    for number, record in enumerate(records, start=2 if names is None else 1):
        if len(record) != width:
            if len(record) > width:
                raise DataError(f"{source}: record {number} has {len(record)} fields, the header has {width}")
            record = record + [""] * (width - len(record))  # pandas fills short records with NaN
        for cells, i in zip(texts, keep):
            text = record[i]
            cells.append(None if text in NA_STRINGS else text)
    columns = [_infer_column(t) for t in texts]
    rows = [list(cells) for cells in zip(*columns)] if columns else []
    return Table(columns=[header[i] for i in keep], rows=rows)


def read_csv(
    path: str | Path,
    names: list[str] | None = None,
    usecols: Sequence[str] | None = None,
    encoding: str = "utf-8",
) -> Table:
    """`pandas.read_csv(path)` (comma-separated, `"` quoting, header line unless `names`)."""
    try:
        with open(path, encoding=encoding, newline="") as f:
            return parse_table(csv.reader(f), names, source=str(path), usecols=usecols)
    except UnicodeDecodeError as e:
        raise DataError(f"{path} is not {encoding} text ({e})") from None
    except csv.Error as e:
        raise DataError(f"{path} is not valid CSV ({e})") from None


def sample_size(n: int, frac: float) -> int:
    """Rows `DataFrame.sample(frac=...)` draws: Python's round (half to even)."""
    return round(frac * n)


def sample_positions(n: int, size: int, random_state: Any) -> list[int]:
    """Positions `DataFrame.sample(size, random_state=...)` picks, in the order pandas returns them.

    pandas calls `RandomState.choice(n, size, replace=False)`, which is `permutation(n)[:size]`.
    `random_state` is a seed (a fresh `RandomState(seed)`, as pandas) or a `RandomState` to draw from.
    """
    import numpy as np

    rng = np.random.RandomState(random_state) if isinstance(random_state, int) else random_state
    if size > n:
        raise DataError(f"cannot sample {size} rows out of {n}")
    return [int(i) for i in rng.permutation(n)[:size]]


def inner_merge_order(left_keys: Sequence[Any], right_keys: Sequence[Any]) -> list[tuple[int, int]]:
    """(left row, right row) pairs of pandas 1.x's `merge(how="inner", sort=False)` on one key column.

    pandas before 2.2 groups the result by key, keys in order of first appearance on the left, the rows of
    a key in left order, each followed by its right matches in right order (its join is a counting sort
    over factorized keys); pandas 2.2 keeps plain left order instead. HELM v0.1.0 ran with pandas 1.x.
    """
    right: dict[Any, list[int]] = {}
    for position, key in enumerate(right_keys):
        if not is_missing(key):
            right.setdefault(key, []).append(position)
    groups: dict[Any, list[int]] = {}
    for position, key in enumerate(left_keys):
        if not is_missing(key):
            groups.setdefault(key, []).append(position)
    pairs: list[tuple[int, int]] = []
    for key, positions in groups.items():
        matches = right.get(key, [])
        pairs.extend((left, match) for left in positions for match in matches)
    return pairs
