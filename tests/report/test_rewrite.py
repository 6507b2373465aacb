from __future__ import annotations

import os

from holistic.report.rewrite import rewrite_bytes, rewrite_text, rewriting_text


def test_rewriting_replaces_the_whole_contents(tmp_path):
    path = tmp_path / "page.html"
    rewrite_text(path, "a longer first version\n")
    assert path.read_text() == "a longer first version\n"
    os.utime(path, ns=(0, 0))
    rewrite_bytes(path, b"short")
    assert path.read_bytes() == b"short"
    assert path.stat().st_mtime_ns > 0  # a later summarize tells rewritten files from stale ones by mtime
    with rewriting_text(path) as f:
        f.write("caf\u00e9 ")
        f.write("\u2713")
    assert path.read_bytes() == "caf\u00e9 \u2713".encode()
