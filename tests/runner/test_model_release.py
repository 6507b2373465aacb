"""A suite of several local models holds one at a time: a model is let go after its last run."""

from __future__ import annotations

import gc
import weakref

import pytest

from holistic.models import registry

pytest.importorskip("transformers")

pytestmark = [pytest.mark.slow, pytest.mark.model]

BUNDLED = "huggingface/smollm2-135m-instruct"
COPY = "huggingface/smollm2-copy"


@pytest.fixture(autouse=True)
def _restore_registry(monkeypatch):
    # The deployment below registers a second name process-wide.
    monkeypatch.setattr(registry, "MODELS", registry.MODELS)
    monkeypatch.setattr(registry, "_BY_NAME", dict(registry._BY_NAME))


def test_first_model_is_released_before_the_second_runs(tmp_path, shared_data, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from holistic.models.clients import get_client
    from holistic.models.local.loading import loaded_models
    from holistic.run_specs.construct import construct_run_specs
    from holistic.runner.runner import Runner, RunnerOptions, apply_overrides

    local = tmp_path / "prod_env"
    local.mkdir()
    (local / "model_deployments.yaml").write_text(
        f"model_deployments:\n  - name: {COPY}\n    model_name: {BUNDLED}\n"
    )
    options = RunnerOptions(
        suite="s", output_path=str(tmp_path / "out"), local_path=str(local), data_mirror=str(shared_data)
    )
    runner = Runner(options)
    run_specs = [
        apply_overrides(spec, 2, None)
        for model in (BUNDLED, BUNDLED, COPY)
        for spec in construct_run_specs(f"mmlu:subject=anatomy,model={model}")
    ]
    run_specs[1] = apply_overrides(construct_run_specs(f"mmlu:subject=virology,model={BUNDLED}")[0], 2, None)
    seen = []
    from holistic.models import clients as clients_module

    monkeypatch.setattr(clients_module, "_CLIENTS", {})  # let go of other tests' clients and their models
    gc.collect()
    before = set(loaded_models())  # other tests' clients may still hold models (e.g. a bfloat16 one)
    clients: dict[str, weakref.ref] = {}

    class Observed(Runner):
        def run_one(self, run_spec):
            gc.collect()
            model = run_spec.adapter_spec.model
            seen.append(
                (
                    model,
                    sorted(set(loaded_models()) - before),
                    {m: ref() is not None for m, ref in clients.items()},
                )
            )
            outcome = super().run_one(run_spec)
            clients[model] = weakref.ref(get_client(model, self.client_context))
            return outcome

    runner.__class__ = Observed
    outcomes = runner.run_all(run_specs)
    assert [o.status for o in outcomes] == ["done"] * 3, [o.message for o in outcomes]
    loaded_key = seen[1][1]
    # The second run of the first model still had it loaded; the other model's run started with none loaded.
    assert seen[0] == (BUNDLED, [], {})
    assert len(loaded_key) == 1 and seen[1][2] == {BUNDLED: True}
    assert seen[2] == (COPY, [], {BUNDLED: False})
    gc.collect()
    assert set(loaded_models()) <= before and all(ref() is None for ref in clients.values())
