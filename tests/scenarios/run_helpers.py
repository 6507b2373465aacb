"""Kept so that existing imports work: the helpers live in tests/helpers.py (import from there)."""

from tests.helpers import instances_of, request_states, run_description, stat_names  # noqa: F401
