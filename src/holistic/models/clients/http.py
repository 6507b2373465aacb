"""The one HTTP layer of every API client: JSON over a pooled `requests.Session`, every failure an ApiError.

One session per client keeps connections alive across requests (a TLS handshake per request would cost more
than many answers take), with a pool as large as the client's concurrency. `requests`' own retries are off:
retries are ours (retry.py), the same for every provider. Headers never appear in an error message: they
carry the API key.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from holistic.models.clients.retry import ApiError, shorten, status_error

USER_AGENT = "holistic (HELM-compatible evaluation)"

# Connecting takes milliseconds when the server is up; a long connect timeout only delays the error.
CONNECT_TIMEOUT = 10.0


class HttpSession:
    """JSON requests over one pooled session; thread-safe for the executor's worker threads."""

    def __init__(self, pool_size: int = 8, timeout: float = 300.0) -> None:
        self.timeout = timeout
        self._pool_size = max(1, pool_size)
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        with self._lock:
            if self._session is None:
                session = requests.Session()
                adapter = HTTPAdapter(pool_connections=4, pool_maxsize=self._pool_size, max_retries=0)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
                self._session = session
            return self._session

    def post_json(
        self,
        url: str,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """POST `body` as JSON and return the decoded JSON object of a 2xx answer."""
        return self._send("POST", url, headers, timeout, json.dumps(body).encode("utf-8"))

    def get_json(
        self, url: str, headers: dict[str, str] | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """GET `url` and return the decoded JSON object of a 2xx answer."""
        return self._send("GET", url, headers, timeout, None)

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None

    def _send(
        self, method: str, url: str, headers: dict[str, str] | None, timeout: float | None, data: bytes | None
    ) -> dict[str, Any]:
        limit = self.timeout if timeout is None else timeout
        shown = _without_query(url)
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        try:
            response = self.session.request(
                method, url, data=data, headers=all_headers, timeout=(min(CONNECT_TIMEOUT, limit), limit)
            )
            raw = response.content
        except requests.exceptions.ConnectTimeout:
            raise ApiError(f"timed out connecting to {shown}", retryable=True) from None
        except requests.exceptions.Timeout:
            raise ApiError(f"timed out after {limit:g} s", retryable=True) from None
        except requests.exceptions.ConnectionError as e:
            if _unreachable(e):
                # Nothing listens there (or the name does not resolve): retrying for a minute will not help.
                raise ApiError(
                    f"cannot connect to {shown} ({_reason(e)})", retryable=True, unreachable=True
                ) from None
            raise ApiError(f"connection to {shown} failed: {_reason(e)}", retryable=True) from None
        except requests.exceptions.ChunkedEncodingError as e:
            raise ApiError(f"truncated response from {shown}: {_reason(e)}", retryable=True) from None
        except requests.exceptions.RequestException as e:
            raise ApiError(
                f"request to {shown} failed: {type(e).__name__}: {_reason(e)}", retryable=False
            ) from None
        if response.status_code >= 400:
            detail = raw.decode("utf-8", "replace") or response.reason or ""
            raise status_error(response.status_code, detail, response.headers.get("Retry-After"))
        return decode_json_object(raw)


def _without_query(url: str) -> str:
    """The URL as errors show it: without its query string, which may carry a key (`?key=...`)."""
    return url.split("?", 1)[0]


_QUERY = re.compile(r"\?[^\s)'\"]*")

_SHARED = HttpSession()


def post_json(
    url: str, body: dict[str, Any], headers: dict[str, str] | None = None, timeout: float | None = None
) -> dict[str, Any]:
    """POST through one process-wide session, for callers that are not model clients (metrics' APIs)."""
    return _SHARED.post_json(url, body, headers, timeout)


def _unreachable(error: requests.exceptions.ConnectionError) -> bool:
    """Whether the connection was never made (refused, unknown host, no route), unlike a dropped one."""
    from urllib3.exceptions import NewConnectionError

    cause: object = error
    for _ in range(8):
        if isinstance(cause, (NewConnectionError, ConnectionRefusedError)):
            return True  # urllib3's NameResolutionError is a NewConnectionError
        if not isinstance(cause, BaseException):
            return False
        cause = getattr(cause, "reason", None) or (cause.args[0] if cause.args else None)
    return False


def _reason(error: BaseException) -> str:
    """The readable end of requests' nested message (`[Errno 111] Connection refused`), one line."""
    text = str(error)
    for marker in ("[Errno", "Failed to resolve"):
        if marker in text:
            text = text[text.rindex(marker) :]
            break
    return shorten(_QUERY.sub("?...", text.rstrip(")'\"")), 160)


def decode_json_object(raw: bytes | str) -> dict[str, Any]:
    """Parse a response body; a malformed or non-object body is a (retryable) ApiError."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        raise ApiError(f"malformed JSON in response: {shorten(text, 120)!r}", retryable=True) from None
    if not isinstance(value, dict):
        raise ApiError(
            f"unexpected response (not a JSON object): {shorten(json.dumps(value), 120)}", retryable=True
        )
    return value
