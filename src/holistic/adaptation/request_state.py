"""RequestState and ScenarioState (HELM §3.3): what was asked for each instance, and what came back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from holistic.models.request import Request, RequestResult
from holistic.scenarios.base import Instance
from holistic.specs import AdapterSpec

REQUEST_MODE_ORIGINAL = "original"
REQUEST_MODE_CALIBRATION = "calibration"


@dataclass(frozen=True)
class RequestState:
    instance: Instance
    """The instance this request is for."""

    reference_index: int | None
    """Which reference is scored (separate multiple choice, ranking); None otherwise."""

    request_mode: str | None
    """`original` or `calibration` (separate methods and ranking); None otherwise."""

    train_trial_index: int
    """Which draw of in-context examples."""

    output_mapping: dict[str, str] | None
    """Letter to reference text (multiple choice joint)."""

    request: Request
    """The request sent to the model."""

    result: RequestResult | None
    """What the model returned (None before execution or in a dry run)."""

    num_train_instances: int
    """In-context examples actually in the prompt."""

    prompt_truncated: bool
    """Whether the prompt was cut to fit the window."""

    num_conditioning_tokens: int = 0
    """Language modelling: leading tokens that condition but are not scored."""


@dataclass
class ScenarioState:
    adapter_spec: AdapterSpec
    """How the requests were built."""

    request_states: list[RequestState]
    """Every request, trial by trial, instance by instance."""

    def __post_init__(self) -> None:
        self._index: dict[tuple[int, int, int | None], list[RequestState]] = defaultdict(list)
        seen: dict[int, Instance] = {}
        for state in self.request_states:
            self._index[(state.train_trial_index, id(state.instance), state.reference_index)].append(state)
            seen.setdefault(id(state.instance), state.instance)
        self.instances: list[Instance] = list(seen.values())

    def get_request_states(
        self, train_trial_index: int, instance: Instance, reference_index: int | None
    ) -> list[RequestState]:
        return self._index.get((train_trial_index, id(instance), reference_index), [])
