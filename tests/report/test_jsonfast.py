from __future__ import annotations

import json

import pytest

from holistic.report import jsonfast
from holistic.report.jsonfast import iter_array

RECORDS = [
    {"id": f"id{i}", "text": "a }\n  } b" * (i % 3), "nested": {"x": [i, {"y": "}"}]}} for i in range(50)
]


@pytest.mark.parametrize("indent", [2, 4, None])
@pytest.mark.parametrize("block", [7, 64, 1 << 20])
def test_top_level_array_elements_match_a_full_parse(tmp_path, monkeypatch, indent, block):
    monkeypatch.setattr(jsonfast, "BLOCK", block)
    path = tmp_path / "a.json"
    path.write_text(json.dumps(RECORDS, indent=indent))
    assert list(iter_array(path)) == RECORDS


@pytest.mark.parametrize("block", [5, 1 << 20])
def test_array_under_a_key(tmp_path, monkeypatch, block):
    monkeypatch.setattr(jsonfast, "BLOCK", block)
    path = tmp_path / "state.json"
    path.write_text(
        json.dumps({"adapter_spec": {"stop_sequences": ["}"]}, "request_states": RECORDS}, indent=2)
    )
    assert list(iter_array(path, "request_states")) == RECORDS


def test_empty_arrays_and_missing_key(tmp_path):
    path = tmp_path / "e.json"
    path.write_text("[]")
    assert list(iter_array(path)) == []
    path.write_text(json.dumps({"request_states": []}, indent=2))
    assert list(iter_array(path, "request_states")) == []
    path.write_text(json.dumps({"other": 1}, indent=2))
    assert list(iter_array(path, "request_states")) == []


def test_nan_is_read(tmp_path):
    path = tmp_path / "n.json"
    path.write_text('[\n  {\n    "mean": NaN\n  }\n]')
    (value,) = list(iter_array(path))
    assert value["mean"] != value["mean"]


def test_truncated_file_is_an_error(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(RECORDS, indent=2)[:-200])
    with pytest.raises(ValueError):
        list(iter_array(path))
