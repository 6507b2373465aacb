"""The sqlite request cache: HELM layout, threads, and durability under kill -9."""

import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest

from holistic.models.cache import CacheRegistry, RequestCache


def test_get_or_compute_computes_once(tmp_path):
    cache = RequestCache(tmp_path / "x.sqlite")
    calls = []

    def compute():
        calls.append(1)
        return {"completions": ["a"]}

    assert cache.get_or_compute({"prompt": "p", "n": 1}, compute) == ({"completions": ["a"]}, False)
    assert cache.get_or_compute({"n": 1, "prompt": "p"}, compute) == ({"completions": ["a"]}, True)
    assert len(calls) == 1


def test_exceptions_propagate_and_store_nothing(tmp_path):
    cache = RequestCache(tmp_path / "x.sqlite")

    def boom():
        raise RuntimeError("down")

    with pytest.raises(RuntimeError):
        cache.get_or_compute({"k": 1}, boom)
    assert cache.get({"k": 1}) is None


def test_file_layout_is_helms_sqlitedict(tmp_path):
    registry = CacheRegistry(tmp_path)
    registry.for_organization("openai").put({"prompt": "hi", "engine": "davinci"}, {"x": 1.5})
    registry.close()
    connection = sqlite3.connect(tmp_path / "cache" / "openai.sqlite")
    ((key, value),) = connection.execute('SELECT key, value FROM "unnamed"').fetchall()
    assert key == json.dumps({"engine": "davinci", "prompt": "hi"}, sort_keys=True)
    assert pickle.loads(value) == {"x": 1.5}


def test_many_threads_share_one_connection(tmp_path):
    cache = RequestCache(tmp_path / "x.sqlite")

    def work(t):
        for i in range(50):
            cache.get_or_compute({"t": t, "i": i}, lambda t=t, i=i: {"v": t * 100 + i})

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 400
    assert cache.get_many([{"t": 3, "i": 7}, {"t": 99, "i": 0}]) == [{"v": 307}, None]


def test_answers_survive_kill_9(tmp_path):
    script = f"""
import os, signal
from holistic.models.cache import RequestCache
cache = RequestCache({str(tmp_path / "x.sqlite")!r})
for i in range(100):
    cache.put({{"i": i}}, {{"v": i}})
os.kill(os.getpid(), signal.SIGKILL)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert result.returncode == -signal.SIGKILL
    cache = RequestCache(tmp_path / "x.sqlite")
    assert len(cache) == 100 and cache.get({"i": 99}) == {"v": 99}
    assert os.path.getsize(tmp_path / "x.sqlite") > 0
