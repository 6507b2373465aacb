"""Run directories in crfm-helm 0.5's layout (`--output-layout helm-0.5`), for HELM's own front end and scripts.

The spec's layout (HELM v0.1.0, 2022) keeps `Instance.input`, `Reference.output` and contrast inputs as
strings; HELM 0.2 and later nest each as an object `{"text": ...}` (HELM's `Input` and `Output`), and 0.5's
`scenario.json` holds only the scenario's record (its `helm-summarize` writes `instances.json`). Everything
else a run directory holds already reads the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from holistic.adaptation.request_state import ScenarioState
from holistic.scenarios.base import Instance, Reference

LAYOUT_2022 = "2022"
LAYOUT_HELM_05 = "helm-0.5"


@dataclass(frozen=True)
class Input:
    """HELM 0.5's `helm.benchmark.scenarios.scenario.Input` (text only; no multimedia content)."""

    text: str = ""


@dataclass(frozen=True)
class Output:
    """HELM 0.5's `helm.benchmark.scenarios.scenario.Output` (text only)."""

    text: str = ""


def _reference(reference: Reference) -> Reference:
    return replace(reference, output=Output(reference.output))  # type: ignore[arg-type]


def helm05_instance(instance: Instance) -> Instance:
    """The same instance with inputs and outputs nested as HELM 0.5 writes them."""
    contrast_inputs = instance.contrast_inputs
    contrast_references = instance.contrast_references
    return replace(
        instance,
        input=Input(instance.input),  # type: ignore[arg-type]
        references=[_reference(r) for r in instance.references],
        contrast_inputs=None if contrast_inputs is None else [Input(t) for t in contrast_inputs],  # type: ignore[misc]
        contrast_references=None
        if contrast_references is None
        else [[_reference(r) for r in refs] for refs in contrast_references],
    )


def helm05_scenario_state(scenario_state: ScenarioState) -> ScenarioState:
    """The scenario state with every instance converted once (request states keep sharing them)."""
    converted: dict[int, Instance] = {}
    states = []
    for state in scenario_state.request_states:
        key = id(state.instance)
        if key not in converted:
            converted[key] = helm05_instance(state.instance)
        states.append(replace(state, instance=converted[key]))
    return ScenarioState(scenario_state.adapter_spec, states)


def helm05_scenario_record(record: dict[str, Any]) -> dict[str, Any]:
    """HELM 0.5's scenario.json: name, description, tags, output_path, definition_path."""
    keys = ("name", "description", "tags", "output_path", "definition_path")
    return {key: record[key] for key in keys if key in record}
