import json
import zipfile

import pytest

from holistic.errors import DataError
from holistic.run_specs import build_run_spec
from tests.helpers import load_instances, request_states, run, serve_directory

CLASS = "helm.benchmark.scenarios.legal_support_scenario.LegalSupportScenario"


def row(i, label="a"):
    return {
        "context": f"Claim {i}.",
        "citation_a": {"signal": "see", "identifier": "1 U.S. 1", "parenthetical": f"holding A{i}"},
        "citation_b": {"signal": "see", "identifier": "2 U.S. 2", "parenthetical": f"holding B{i}"},
        "label": label,
    }


def write_fixture(root, rows=None):
    folder = root / "legal_support" / "data" / "legal_support"
    folder.mkdir(parents=True)
    rows = rows or {"train": [row(0), row(1, "b"), row(2)], "dev": [row(3, "b")], "test": [row(4)]}
    for name, items in rows.items():
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in items))
    return root


def test_instances(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    instances = load_instances(CLASS, {}, tmp_path / "out", mirror)
    assert [(i.id, i.split) for i in instances] == [
        ("id0", "train"), ("id1", "train"), ("id2", "train"), ("id3", "valid"), ("id4", "test"),
    ]  # fmt: skip
    assert instances[3].input == "Claim 3."
    assert [(r.output, r.is_correct) for r in instances[3].references] == [
        ("holding A3", False),
        ("holding B3", True),
    ]


def test_downloads_and_unzips(tmp_path, monkeypatch):
    import holistic.scenarios.legal_support_scenario as module

    served = tmp_path / "served"
    served.mkdir()
    with zipfile.ZipFile(served / "legal_support.zip", "w") as z:
        for name in ("train", "dev", "test"):
            z.writestr(f"legal_support/{name}.jsonl", json.dumps(row(0)) + "\n")
        z.writestr("__MACOSX/._legal_support", "")
    with serve_directory(served) as url:
        monkeypatch.setattr(module, "DATA_URL", f"{url}/legal_support.zip")
        instances = load_instances(CLASS, {}, tmp_path / "out", None)
    assert [i.split for i in instances] == ["train", "valid", "test"]


def test_bad_label(tmp_path):
    mirror = write_fixture(tmp_path / "mirror", {"train": [row(0, "c")], "dev": [], "test": []})
    with pytest.raises(DataError, match="label must be a or b"):
        load_instances(CLASS, {}, tmp_path / "out", mirror)


def test_run_spec_name_keeps_helms_comma():
    spec = build_run_spec("legal_support", {})
    assert spec.name == "legal_support,method=multiple_choice_joint"
    assert spec.adapter_spec.max_train_instances == 3


def test_full_prompt_on_fixture(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    states = request_states(run(tmp_path, "legal_support:model=simple/model1", mirror))
    state = next(s for s in states if s["instance"]["id"] == "id4")
    prompt = state["request"]["prompt"]
    assert prompt.startswith("Which statement best supports the passage?\n\nPassage: Claim ")
    assert prompt.endswith("\n\nPassage: Claim 4.\nA. holding A4\nB. holding B4\nAnswer:")
    assert sorted(prompt.count(f"Passage: Claim {i}.") for i in range(3)) == [1, 1, 1]
