"""Progress bars: tqdm's, without its monitor thread.

tqdm starts a monitor thread with its first bar and keeps it for the rest of the process. With it alive, a
later `holistic.summarize` in the same process (after `holistic.run`, in a notebook) could not fork its readers
safely (a child forked while another thread holds a lock can deadlock), so every bar of holistic goes without
it; the monitor only shortens the refresh interval of bars that stall, which these do not need.
"""

from __future__ import annotations

import functools
from typing import Any


def progress_bar(**options: Any) -> Any:
    """`tqdm(**options)` without the monitor thread (tqdm imported here, when a bar is wanted)."""
    return _bar_class()(**options)


@functools.cache
def _bar_class() -> type:
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0

    return Bar
