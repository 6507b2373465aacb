"""A suite of several local models holds one at a time: a model is let go after its last run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("transformers")

pytestmark = [pytest.mark.slow, pytest.mark.model]

BUNDLED = "huggingface/smollm2-135m-instruct"
COPY = "huggingface/smollm2-copy"

# Runs in a fresh process, so that no model another test still holds is in the way. Records, at the start of
# each run, the models loaded and whether each earlier model's client is still alive.
OBSERVE = """
import gc, json, sys, weakref
from holistic.models.clients import get_client
from holistic.models.local.loading import loaded_models
from holistic.run_specs.construct import construct_run_specs
from holistic.runner.runner import Runner, RunnerOptions, apply_overrides

local, out, mirror, first, second = sys.argv[1:]
seen, clients = [], {}

class Observed(Runner):
    def run_one(self, run_spec):
        gc.collect()
        model = run_spec.adapter_spec.model
        seen.append([model, [list(k) for k in loaded_models()], {m: r() is not None for m, r in clients.items()}])
        outcome = super().run_one(run_spec)
        clients[model] = weakref.ref(get_client(model, self.client_context))
        return outcome

specs = [
    apply_overrides(construct_run_specs(f"mmlu:subject={subject},model={model}")[0], 2, None)
    for subject, model in [("anatomy", first), ("virology", first), ("anatomy", second)]
]
runner = Observed(RunnerOptions(suite="s", output_path=out, local_path=local, data_mirror=mirror))
outcomes = runner.run_all(specs)
gc.collect()
print(json.dumps({"status": [o.status for o in outcomes], "seen": seen, "after": loaded_models(),
                  "clients_after": [r() is not None for r in clients.values()]}))
"""


def test_first_model_is_released_before_the_second_runs(tmp_path, shared_data):
    local = tmp_path / "prod_env"
    local.mkdir()
    (local / "model_deployments.yaml").write_text(
        f"model_deployments:\n  - name: {COPY}\n    model_name: {BUNDLED}\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", OBSERVE, str(local), str(tmp_path / "out"), str(shared_data), BUNDLED, COPY],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["status"] == ["done"] * 3
    (first, again, second) = report["seen"]
    assert first == [BUNDLED, [], {}]
    # The first model's second run still had it loaded and its client alive ...
    assert again[0] == BUNDLED and len(again[1]) == 1 and again[2] == {BUNDLED: True}
    # ... and the other model's run started with it released: no weights loaded, its client gone.
    assert second == [COPY, [], {BUNDLED: False}]
    assert report["after"] == [] and report["clients_after"] == [False, False]
