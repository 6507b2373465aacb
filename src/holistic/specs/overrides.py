"""Command-line overrides applied to RunSpecs after expansion (§1.4): helm-run's -m, -t and conf groups."""

from __future__ import annotations

from dataclasses import replace

from holistic.specs.run_spec import RunSpec


def apply_overrides(
    run_spec: RunSpec,
    max_eval_instances: int | None,
    num_train_trials: int | None,
    groups: list[str] | None = None,
) -> RunSpec:
    """Command-line overrides applied after expansion (§1.4)."""
    adapter_spec = run_spec.adapter_spec
    if max_eval_instances is not None:
        adapter_spec = replace(adapter_spec, max_eval_instances=max_eval_instances)
    if num_train_trials is not None or adapter_spec.max_train_instances == 0:
        trials = 1 if adapter_spec.max_train_instances == 0 else num_train_trials
        adapter_spec = replace(adapter_spec, num_train_trials=trials)
    return replace(run_spec, adapter_spec=adapter_spec, groups=run_spec.groups + list(groups or []))
