"""summarization_xsum end to end on the shared XSum rows and the bundled model, then helm-summarize."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("spacy")

pytestmark = [pytest.mark.slow, pytest.mark.model]

DESCRIPTION = "summarization_xsum:model=huggingface/smollm2-135m-instruct,max_train_instances=0"


def test_xsum_runs_and_the_report_shows_summarization_columns(
    tmp_path: Path, shared_data, caplog, monkeypatch
):
    from holistic.cli.run import main as helm_run
    from holistic.cli.summarize import main as helm_summarize

    caplog.set_level(logging.WARNING)
    monkeypatch.delenv("HOLISTIC_METRIC_MODELS", raising=False)
    out = tmp_path / "out"
    argv = ["--run-specs", DESCRIPTION, "--suite", "s", "--max-eval-instances", "3", "-q"]
    argv += ["-o", str(out), "--local-path", str(tmp_path / "env"), "--data-mirror", str(shared_data)]
    assert helm_run(argv) == 0
    (run,) = (out / "runs" / "s").glob("summarization_xsum:*")
    assert run.name.startswith("summarization_xsum:temperature=0.3,device=cpu,")
    states = json.loads((run / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 3 and all(s["instance"]["split"] == "test" for s in states)
    assert all(s["request"]["prompt"].startswith("###\nArticle: ") for s in states)

    stats = {
        (s["name"]["name"], "perturbation" in s["name"]) for s in json.loads((run / "stats.json").read_text())
    }
    for name in ("rouge_1", "rouge_2", "rouge_l", "summarization_coverage", "summarization_density"):
        assert (name, False) in stats
    # Faithfulness needs weights that are not here: no stat at all (never a zero), and one warning saying why.
    assert not {name for name, _ in stats} & {"summac", "QAFactEval", "BERTScore-F", "HumanEval-faithfulness"}
    warnings = [r.getMessage() for r in caplog.records if "BERTScore" in r.getMessage()]
    assert len(warnings) <= 1  # once per process (an earlier test may have printed it)

    assert helm_summarize(["--suite", "s", "-o", str(out), "-q"]) == 0
    (table,) = json.loads((out / "runs" / "s" / "groups" / "summarization_xsum.json").read_text())
    header = [h["value"] for h in table["header"]]
    for column in ("ROUGE-2 ↑", "Coverage", "Density", "Compression"):
        assert column in header
    (row,) = table["rows"]
    for column in ("ROUGE-2 ↑", "Coverage", "Density", "Compression"):
        assert isinstance(row[header.index(column)]["value"], float)


def test_in_context_examples_without_a_train_split_stop_with_one_line(tmp_path: Path, shared_data, capsys):
    from holistic.cli.run import main as helm_run

    argv = ["--run-specs", "summarization_xsum:model=simple/model1", "--suite", "s", "-m", "2"]
    argv += [
        "-o",
        str(tmp_path / "out"),
        "--local-path",
        str(tmp_path / "env"),
        "--data-mirror",
        str(shared_data),
    ]
    assert helm_run(argv) == 2
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert "no train split" in line and "max_train_instances=0" in line
