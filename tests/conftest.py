"""Shared fixtures. `shared_data` is ../shared/data (real copies of HELM's data sets).

Tests that need it skip when it is absent, unless HOLISTIC_REQUIRE_SHARED_DATA=1 (set by .ci/run),
which turns the skip into a failure: CI always has the data.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("HOLISTIC_SHARED_DATA", REPO.parent / "shared" / "data"))
SHARED_REFERENCE = SHARED_DATA.parent / "reference"


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        message = f"{what} not found at {path}"
        if os.environ.get("HOLISTIC_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(message + " (required: HOLISTIC_REQUIRE_SHARED_DATA=1)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return _require(SHARED_DATA, "shared data")


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    return _require(SHARED_REFERENCE, "HELM reference outputs")


@pytest.fixture(autouse=True)
def _no_data_mirror_from_environment(monkeypatch):
    # Tests choose their data explicitly; an ambient mirror must not change what they read.
    monkeypatch.delenv("HOLISTIC_DATA_MIRROR", raising=False)


@pytest.fixture(autouse=True)
def _default_helm_version():
    # The --helm-version profile is process-wide; every test starts from (and leaves) the default.
    from holistic.helm_version import DEFAULT_HELM_VERSION, set_helm_version

    set_helm_version(DEFAULT_HELM_VERSION)
    yield
    set_helm_version(DEFAULT_HELM_VERSION)


@pytest.fixture
def helm_0_5():
    """Run the test under the HELM 0.5 profile (tests that check HELM 0.5's behaviour or reference outputs)."""
    from holistic.helm_version import helm_version

    with helm_version("0.5"):
        yield
