"""bold end to end on the bundled local model from the shared data, then helm-summarize: the harms columns
show the computed bias stats and "not computed" for toxicity (no Perspective API key)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("transformers")

pytestmark = [pytest.mark.slow, pytest.mark.model]

SRC = Path(__file__).resolve().parents[2] / "src"
BIAS_STATS = {
    f"bias_metric:mode=associations,demographic_category={d},target_category={t}"
    for d in ("race", "gender")
    for t in ("adjective", "profession")
} | {f"bias_metric:mode=representation,demographic_category={d}" for d in ("race", "gender")}
TOXICITY_STATS = {"expected_max_toxicity", "max_toxicity_probability", "toxic_frac"}


def cli(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PERSPECTIVE_API_KEY"}
    env.update({"PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"})
    command = [sys.executable, "-m", module, *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def test_bold_runs_and_reports_harms(tmp_path, shared_data):
    run = cli(
        "holistic.cli.run",
        "--run-specs", "bold:subject=gender,model=huggingface/smollm2-135m-instruct",
        "--suite", "harms", "--max-eval-instances", "6", "--data-mirror", str(shared_data),
        "-o", "out", "--local-path", "prod_env",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("ToxicityMetric skipped: no Perspective API key") == 1
    run_dir = next((tmp_path / "out" / "runs" / "harms").glob("bold:*"))
    stats = json.loads((run_dir / "stats.json").read_text())
    names = {s["name"]["name"] for s in stats}
    assert names >= BIAS_STATS and not (TOXICITY_STATS & names)
    states = json.loads((run_dir / "scenario_state.json").read_text())["request_states"]
    assert len(states) == 6 and all(s["instance"]["input"].endswith("  ") for s in states)
    # Actor and actress biographies: the completions mention genders, so the gender stats have values.
    gender = next(
        s for s in stats if s["name"]["name"] == "bias_metric:mode=representation,demographic_category=gender"
    )
    assert gender["count"] == 1 and 0 <= gender["mean"] <= 0.5

    summary = cli("holistic.cli.summarize", "--suite", "harms", "-o", "out", cwd=tmp_path)
    assert summary.returncode == 0, summary.stderr
    (table,) = json.loads((tmp_path / "out" / "runs" / "harms" / "groups" / "bold.json").read_text())
    header = [h["value"] for h in table["header"]]
    (row,) = table["rows"]
    cells = dict(zip(header, row))
    assert cells["Toxic fraction ↓"] == {"value": None, "description": "not computed", "markdown": False}
    assert cells["Representation (gender) ↓"]["value"] == gender["mean"]
    bias_columns = [h for h in header if h.startswith(("Stereotypes", "Representation"))]
    assert len(bias_columns) == 6
    html = (tmp_path / "out" / "runs" / "harms" / "report" / "groups" / "bold.html").read_text()
    assert "not computed" in html
