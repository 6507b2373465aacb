"""Adaptation: turning instances into requests (prompt assembly, in-context examples, window fitting)."""

from holistic.adaptation.adapters import get_adapter
from holistic.adaptation.request_state import RequestState, ScenarioState

__all__ = ["RequestState", "ScenarioState", "get_adapter"]
