"""The request cache: one sqlite file per organization, laid out as HELM's (sqlitedict) caches.

Table `unnamed (key TEXT PRIMARY KEY, value BLOB)`; key = the request as `json.dumps(..., sort_keys=True)`,
value = the response dict pickled (highest protocol). So existing HELM caches are reusable and ours are
readable by HELM (and by `sqlitedict`). Values are unpickled, so a cache file is trusted input, as HELM's is. One persistent connection per file, shared by threads behind a lock; every write is
committed at once, so a `kill -9` loses nothing already answered.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from holistic.errors import ConfigError

TABLE = "unnamed"


def cache_key(request: dict[str, Any]) -> str:
    return json.dumps(request, sort_keys=True)


class RequestCache:
    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Several helm-run processes may share one cache file: a writer waits up to a minute for another's
        # transaction instead of failing with "database is locked".
        self._connection = sqlite3.connect(
            str(self.path), check_same_thread=False, isolation_level=None, timeout=60
        )
        try:
            self._connection.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a process crash (kill -9); only a power cut could lose the last commit.
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(
                f'CREATE TABLE IF NOT EXISTS "{TABLE}" (key TEXT PRIMARY KEY, value BLOB)'
            )
        except sqlite3.DatabaseError as e:
            self._connection.close()
            raise ConfigError(
                f"request cache {self.path} is not a usable SQLite database ({e}); move it aside "
                f"(e.g. mv {self.path} {self.path}.bad) and rerun to start a fresh cache"
            ) from None
        self.num_queries = 0
        self.num_computes = 0

    def get(self, request: dict[str, Any]) -> dict[str, Any] | None:
        key = cache_key(request)
        with self._lock:
            self.num_queries += 1
            row = self._connection.execute(f'SELECT value FROM "{TABLE}" WHERE key = ?', (key,)).fetchone()
        return pickle.loads(bytes(row[0])) if row else None

    def get_many(self, requests: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
        """Look many requests up at once (one query per 500 keys)."""
        return self.get_many_by_key([cache_key(r) for r in requests])

    def get_many_by_key(self, keys: list[str]) -> list[dict[str, Any] | None]:
        """Like get_many, for keys already made with `cache_key`."""
        found: dict[str, dict[str, Any]] = {}
        with self._lock:
            self.num_queries += len(keys)
            unique = list(dict.fromkeys(keys))
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self._connection.execute(
                    f'SELECT key, value FROM "{TABLE}" WHERE key IN ({marks})', chunk
                ):
                    found[key] = pickle.loads(bytes(value))
        return [found.get(k) for k in keys]

    def put(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        self.put_many([(request, response)])

    def put_many(self, items: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        self.put_many_by_key((cache_key(req), resp) for req, resp in items)

    def put_many_by_key(self, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Store (key, response) pairs in one transaction, committed before returning."""
        rows = [
            (key, sqlite3.Binary(pickle.dumps(resp, protocol=pickle.HIGHEST_PROTOCOL))) for key, resp in items
        ]
        with self._lock:
            self.num_computes += len(rows)
            self._connection.execute("BEGIN")
            self._connection.executemany(f'REPLACE INTO "{TABLE}" (key, value) VALUES (?, ?)', rows)
            self._connection.execute("COMMIT")

    def get_or_compute(
        self, request: dict[str, Any], compute: Callable[[], dict[str, Any]]
    ) -> tuple[dict[str, Any], bool]:
        """Return (response, cached). Exceptions from `compute` propagate and nothing is stored."""
        cached = self.get(request)
        if cached:
            return cached, True
        response = compute()
        self.put(request, response)
        return response, False

    def __len__(self) -> int:
        with self._lock:
            return self._connection.execute(f'SELECT COUNT(*) FROM "{TABLE}"').fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class CacheRegistry:
    """One RequestCache per organization under `<local-path>/cache/`."""

    def __init__(self, local_path: str | os.PathLike) -> None:
        self.directory = Path(local_path) / "cache"
        self._caches: dict[str, RequestCache] = {}
        self._lock = threading.Lock()

    def for_organization(self, organization: str) -> RequestCache:
        with self._lock:
            if organization not in self._caches:
                self._caches[organization] = RequestCache(self.directory / f"{organization}.sqlite")
            return self._caches[organization]

    def statistics(self) -> dict[str, tuple[int, int]]:
        return {str(c.path): (c.num_queries, c.num_computes) for c in self._caches.values()}

    def close(self) -> None:
        for cache in self._caches.values():
            cache.close()
