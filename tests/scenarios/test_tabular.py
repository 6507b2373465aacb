import csv
import io

import numpy as np
import pytest

from holistic.errors import DataError
from holistic.scenarios.tabular import (
    format_cell,
    inner_merge_order,
    parse_table,
    sample_positions,
    sample_size,
)

CSV = "a,b,c,d,e,f,g\n1,1,x,True,1e16,,0.1\n2,,NA,false,2.5,,3\n-3,4,null,TRUE,-0.0001,,7\n"


def test_cells_print_as_pandas_prints_them():
    table = parse_table(csv.reader(io.StringIO(CSV)))
    # What pandas 1.5.3 prints for f"{row[c]}" over this CSV's rows (int, int with a gap -> float, object with
    # NA strings, bool, float, all-missing, float).
    assert [[format_cell(v) for v in row] for row in table.rows] == [
        ["1", "1.0", "x", "True", "1e+16", "nan", "0.1"],
        ["2", "nan", "nan", "False", "2.5", "nan", "3.0"],
        ["-3", "4.0", "nan", "True", "-0.0001", "nan", "7.0"],
    ]


def test_usecols_short_records_and_bad_records():
    table = parse_table(csv.reader(io.StringIO("a,b,c\n1,x\n\n2,y,3\n")), usecols=["c", "a"])
    assert table.columns == ["a", "c"]
    assert [[format_cell(v) for v in row] for row in table.rows] == [["1", "nan"], ["2", "3.0"]]
    with pytest.raises(DataError, match="column 'z' is missing"):
        parse_table(csv.reader(io.StringIO("a\n1\n")), usecols=["z"])
    with pytest.raises(DataError, match="record 2 has 3 fields, the header has 2"):
        parse_table(csv.reader(io.StringIO("a,b\n1,2,3\n")))


def test_sampling_is_numpy_choice_without_replacement():
    # pandas' DataFrame.sample(frac=0.1, random_state=1234) on 23 rows picks rows 7 and 13 (checked with pandas).
    assert sample_size(23, 0.1) == 2
    assert sample_positions(23, 2, 1234) == [7, 13]
    assert sample_size(25, 0.1) == 2  # 2.5 rounds half to even
    rng = np.random.RandomState(5)
    expected = np.random.RandomState(5)
    first, second = sample_positions(10, 3, rng), sample_positions(4, 4, rng)
    assert first == list(expected.permutation(10)[:3]) and second == list(expected.permutation(4))


def test_inner_merge_groups_by_first_appearance_of_the_key():
    # pandas 1.5.3: merge([3,1,3,2,1] with ids [1,2,3]) returns left rows 0,2,1,4,3.
    assert inner_merge_order([3, 1, 3, 2, 1], [1, 2, 3]) == [(0, 2), (2, 2), (1, 0), (4, 0), (3, 1)]
    assert inner_merge_order([7, 1], [1, 1]) == [(1, 0), (1, 1)]
