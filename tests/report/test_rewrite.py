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


def test_files_rewritten_after_a_summarize_starts_are_not_stale(tmp_path):
    """File systems stamp writes from a coarse clock (without a stat in between, Linux 6.x gives the tick's
    start, before time.time_ns()); the summarizer's start time comes from the file system itself."""
    import time

    from holistic.report.summarizer import _file_system_now, _remove_stale

    files = [tmp_path / f"t0-f{i}.js" for i in range(5)]
    for path in files:
        rewrite_bytes(path, b"an earlier summarize")
    time.sleep(0.02)
    for _ in range(20):
        started = _file_system_now(tmp_path)
        for path in files[:4]:
            rewrite_bytes(path, b"this summarize")
        _remove_stale(tmp_path, started)
        assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in files[:4]]
        files = files[:4]
