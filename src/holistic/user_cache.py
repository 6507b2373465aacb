"""Where holistic keeps what it can rebuild: converted local models, the parsed report schema."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path:
    """`$HOLISTIC_CACHE`, else `holistic` in the user's cache directory (`$XDG_CACHE_HOME`, else `~/.cache`)."""
    explicit = os.environ.get("HOLISTIC_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "holistic"
