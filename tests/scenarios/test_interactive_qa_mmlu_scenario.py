import csv
import io
import tarfile

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from tests.helpers import load_instances, request_states, run, serve_directory

CLASS = "helm.benchmark.scenarios.interactive_qa_mmlu_scenario.InteractiveQAMMLUScenario"


def csv_text(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


DEV = [[f"Dev question {i}?", "a", "b", "c", "d", "ABCD"[i]] for i in range(2)]
TEST = [["Test question?", "w", "x", "y", "z", "C"]]


def write_mirror(root):
    data = root / "interactive_qa_mmlu" / "data"
    (data / "dev").mkdir(parents=True)
    (data / "dev" / "nutrition_dev.csv").write_text(csv_text(DEV))
    (data / "test" / "interactive_qa").mkdir(parents=True)
    (data / "test" / "interactive_qa" / "nutrition_test.csv").write_text(csv_text(TEST))
    return root


def test_instances(tmp_path):
    instances = load_instances(
        CLASS, {"subject": "nutrition"}, tmp_path / "out", write_mirror(tmp_path / "m")
    )
    assert [(i.id, i.split, i.input) for i in instances] == [
        ("id0", "train", "Dev question 0?"), ("id1", "train", "Dev question 1?"), ("id2", "test", "Test question?"),
    ]  # fmt: skip
    assert [r.is_correct for r in instances[2].references] == [False, False, True, False]


def test_downloads_the_subset_archive(tmp_path, monkeypatch):
    import holistic.scenarios.interactive_qa_mmlu_scenario as module

    mirror = write_mirror(tmp_path / "m")
    # Only the MMLU part is in the mirror; the InteractiveQA bundle (a tar of CSVs) comes from a server.
    subset_dir = mirror / "interactive_qa_mmlu" / "data" / "test" / "interactive_qa"
    (subset_dir / "nutrition_test.csv").unlink()
    subset_dir.rmdir()
    served = tmp_path / "served"
    served.mkdir()
    with tarfile.open(served / "bundle.tar", "w") as tar:
        for name in ("nutrition_test.csv", "global_facts_test.csv"):
            payload = csv_text(TEST).encode()
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    with serve_directory(served) as url:
        monkeypatch.setattr(module, "INTERACTIVE_QA_URL", f"{url}/bundle.tar")
        instances = load_instances(CLASS, {"subject": "nutrition"}, tmp_path / "out", mirror)
    assert [i.split for i in instances] == ["train", "train", "test"]


def test_missing_subject_file(tmp_path):
    mirror = write_mirror(tmp_path / "m")
    (mirror / "interactive_qa_mmlu" / "data" / "dev" / "global_facts_dev.csv").write_text(csv_text(DEV))
    with pytest.raises(DataError, match="global_facts_test.csv is missing"):
        load_instances(CLASS, {"subject": "global_facts"}, tmp_path / "out", mirror)


def test_run_spec():
    spec = build_run_spec("interactive_qa_mmlu", {"subject": "us_foreign_policy"})
    assert spec.name == "interactive_qa_mmlu:subject=us_foreign_policy"
    assert spec.groups == ["mmlu"]
    assert spec.adapter_spec.instructions == (
        "The following are multiple choice questions (with answers) about us foreign policy.\n"
    )
    with pytest.raises(DescriptionError, match="unknown InteractiveQA MMLU subject 'anatomy'"):
        build_run_spec("interactive_qa_mmlu", {"subject": "anatomy"})


def test_full_prompt_on_fixture(tmp_path):
    states = request_states(
        run(
            tmp_path,
            "interactive_qa_mmlu:subject=nutrition,model=simple/model1",
            write_mirror(tmp_path / "m"),
        )
    )
    (state,) = states
    examples = [
        f"Question: Dev question {i}?\nA. a\nB. b\nC. c\nD. d\nAnswer: {'AB'[i]}\n\n" for i in range(2)
    ]
    head = "The following are multiple choice questions (with answers) about nutrition.\n\n"
    tail = "Question: Test question?\nA. w\nB. x\nC. y\nD. z\nAnswer:"
    assert state["request"]["prompt"] in (
        head + examples[0] + examples[1] + tail,
        head + examples[1] + examples[0] + tail,
    )
