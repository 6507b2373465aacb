"""Request caches are interchangeable with HELM's, which `sqlitedict` writes and reads (the real package)."""

from __future__ import annotations

from holistic.models.cache import RequestCache, cache_key

sqlitedict = __import__("pytest").importorskip("sqlitedict")

REQUEST = {"engine": "davinci", "prompt": "The capital of France is", "temperature": 0.0, "max_tokens": 3}
RESPONSE = {"completions": [{"text": " Paris", "logprob": -0.25, "tokens": []}], "request_time": 0.5}


def test_a_cache_written_by_sqlitedict_answers_holistic(tmp_path):
    path = tmp_path / "openai.sqlite"
    # HELM's Cache: a SqliteDict whose keys are the request as sorted JSON, committed per write.
    with sqlitedict.SqliteDict(str(path)) as helm_cache:
        helm_cache[cache_key(REQUEST)] = RESPONSE
        helm_cache.commit()
    cache = RequestCache(path)
    assert cache.get(REQUEST) == RESPONSE
    assert cache.get({**REQUEST, "temperature": 1.0}) is None
    assert cache.get_many([REQUEST, {**REQUEST, "max_tokens": 4}]) == [RESPONSE, None]
    cache.close()


def test_a_cache_written_by_holistic_opens_in_sqlitedict(tmp_path):
    path = tmp_path / "openai.sqlite"
    cache = RequestCache(path)
    cache.put_many([(REQUEST, RESPONSE), ({**REQUEST, "prompt": "2 + 2 ="}, {"completions": []})])
    cache.close()
    with sqlitedict.SqliteDict(str(path)) as helm_cache:
        assert len(helm_cache) == 2
        assert helm_cache[cache_key(REQUEST)] == RESPONSE
        assert helm_cache[cache_key({**REQUEST, "prompt": "2 + 2 ="})] == {"completions": []}
