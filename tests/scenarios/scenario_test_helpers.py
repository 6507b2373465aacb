"""Kept so that existing imports work: the helpers live in tests/helpers.py (import from there)."""

from tests.helpers import (  # noqa: F401
    UNREACHABLE,
    assert_matches_reference,
    load_instances,
    request_states,
    run,
    serve_directory,
    stat_means,
)
