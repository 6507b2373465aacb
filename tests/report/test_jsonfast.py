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


@pytest.mark.parametrize("block", [5, 64, 1 << 20])
def test_compact_run_files_are_read_element_by_element(tmp_path, monkeypatch, block):
    from holistic.jsonio import dumps

    monkeypatch.setattr(jsonfast, "BLOCK", block)
    path = tmp_path / "per_instance_stats.json"
    path.write_text(dumps(RECORDS, compact=True))
    assert path.read_text().count("\n") == len(RECORDS) + 1  # one line per element
    parsed: list = []
    monkeypatch.setattr(jsonfast, "loads", lambda data: parsed.append(data) or json.loads(data))
    assert list(iter_array(path)) == RECORDS
    assert len(parsed) == len(RECORDS)  # cut, not parsed whole
    path.write_text(
        dumps({"adapter_spec": {"stop_sequences": ["}"]}, "request_states": RECORDS}, compact=True)
    )
    assert list(iter_array(path, "request_states")) == RECORDS
    path.write_text(dumps({"request_states": []}, compact=True))
    assert list(iter_array(path, "request_states")) == []


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


NONFINITE = {
    "name": "exact_match",
    "values": [0.5, float("nan"), float("inf"), -float("inf"), 3, "é <tag>", None],
    "nested": [{"mean": float("nan")}, {"mean": 1.25, "ok": True}],
}


@pytest.mark.parametrize("indent", [True, False])
def test_nan_and_infinity_bytes_do_not_depend_on_the_writer(monkeypatch, indent):
    # HELM writes these with json.dumps: NaN, Infinity, -Infinity (never null), which HELM's json.load reads.
    pytest.importorskip("orjson")
    with_orjson = jsonfast.dumps_bytes(NONFINITE, indent=indent)
    monkeypatch.setattr(jsonfast, "orjson", None)
    with_json = jsonfast.dumps_bytes(NONFINITE, indent=indent)
    assert with_orjson == with_json
    assert b"NaN" in with_json and b"-Infinity" in with_json and b"null" in with_json
    back = json.loads(with_json)  # what HELM reads
    assert back["values"][1] != back["values"][1] and back["values"][2:4] == [float("inf"), -float("inf")]
    assert back["values"][6] is None


def test_finite_documents_match_the_standard_library_layout():
    pytest.importorskip("orjson")
    doc = {"a": [1, 2.5, "x"], "b": {"c": None, "d": True}}
    assert jsonfast.dumps_bytes(doc) == json.dumps(doc, indent=2).encode()
    assert jsonfast.dumps_bytes(doc, indent=False) == json.dumps(doc, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    "value",
    [
        {"title": "MMLU", "rows": [[{"value": 0.25, "description": "min=0.2, mean=0.25"}, {"value": None}]]},
        [1e-05, 1e16, -0.0, 123456789.0, 0.1 + 0.2, float("nan"), float("inf"), -float("inf")],
        ["caf\u00e9", "\u2713 \U0001f600", "tab\there", "line\nbreak", 'quote " and \\', "\x7f\x01", ""],
        {"nested": {"empty list": [], "empty dict": {}, "tuple": (1, 2), "bool": True, "big": 2**70}},
        {1: "an int key", "b": [None]},  # json turns non-string keys into strings
        [],
        {},
    ],
)
def test_dumps_like_json_writes_json_dumps_bytes(value):
    from holistic.report.jsonfast import dumps_like_json

    assert dumps_like_json(value) == json.dumps(value, indent=2).encode()
