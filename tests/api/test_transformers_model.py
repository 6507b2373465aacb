"""The transformers example of docs/api.md, unchanged, gives the stats of `model=huggingface/<same weights>`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.markdown import SRC, code_blocks

pytestmark = [pytest.mark.slow, pytest.mark.model]

# Stats that measure time or money, not the model's answers.
NOT_COMPARED = {"inference_runtime", "batch_size", "inference_denoised_runtime", "inference_idealized_runtime",
                "training_co2_cost", "training_energy_cost"}  # fmt: skip
# Log-probabilities agree to ~1e-5 (float32, a different kernel); a logistic fit on five points amplifies that.
LOOSE = {"platt_coef": 1e-2, "platt_intercept": 1e-2}

COMPARE = """
import json, holistic
descriptions = ["mmlu:subject=anatomy,method=multiple_choice_separate_original", "mmlu:subject=anatomy"]
out = {}
for name in ("me/smollm2", "huggingface/" + MODEL_PATH):
    suite = holistic.run(descriptions, suite="compare-" + name.split("/")[0], model=name, max_eval_instances=5)
    assert suite.ok, [r.error for r in suite.runs]
    out[name.split("/")[0]] = [[vars(v) for v in r.stat_values] for r in suite.runs]
print("STATS=" + json.dumps(out))
"""


def test_in_process_transformers_model_matches_the_huggingface_client(tmp_path: Path, shared_data: Path):
    pytest.importorskip("transformers")
    from holistic.models.local.loading import ensure_converted_model, resolve_source
    from holistic.models.registry import get_model

    weights = ensure_converted_model(resolve_source(get_model("huggingface/smollm2-135m-instruct")))
    [block] = [b for b in code_blocks("api.md") if b.slow]
    script = tmp_path / "example.py"
    script.write_text(block.text + COMPARE, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(SRC), MODEL_PATH=str(weights), OMP_NUM_THREADS="1",
               HOLISTIC_DATA_MIRROR=str(shared_data))  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads(done.stdout.split("STATS=", 1)[1])
    compared = 0
    for ours, theirs in zip(stats["me"], stats["huggingface"], strict=True):
        mine = {(v["name"], v["split"], v["sub_split"], v["perturbation"]): v for v in ours}
        hf = {(v["name"], v["split"], v["sub_split"], v["perturbation"]): v for v in theirs}
        assert mine.keys() == hf.keys()
        for key, value in mine.items():
            if key[0] in NOT_COMPARED:
                continue
            assert value["count"] == hf[key]["count"], key
            if value["mean"] is None:
                assert hf[key]["mean"] is None
            else:
                tolerance = LOOSE.get(key[0], 1e-4)
                assert value["mean"] == pytest.approx(hf[key]["mean"], rel=tolerance, abs=tolerance), key
            compared += 1
    assert compared > 20
    # Accuracy is among them, and the two runs did not just both fail to answer.
    assert any(v["name"] == "exact_match" and v["count"] for run in stats["me"] for v in run)
