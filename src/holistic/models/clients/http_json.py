"""JSON over HTTP with the standard library, every failure turned into a (retryable or not) ApiError.

Headers are never part of an error message: they carry the API key.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from holistic.models.clients.retry import ApiError, shorten, status_error

USER_AGENT = "holistic (HELM-compatible evaluation)"


def post_json(url: str, body: dict[str, Any], headers: dict[str, str], timeout: float) -> dict[str, Any]:
    """POST `body` as JSON and return the decoded JSON object of a 2xx answer."""
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/json")
    request.add_header("User-Agent", USER_AGENT)
    for name, value in headers.items():
        request.add_header(name, value)
    return _send(request, timeout)


def get_json(url: str, headers: dict[str, str], timeout: float) -> dict[str, Any]:
    """GET `url` and return the decoded JSON object of a 2xx answer."""
    request = urllib.request.Request(url, method="GET")
    request.add_header("Accept", "application/json")
    request.add_header("User-Agent", USER_AGENT)
    for name, value in headers.items():
        request.add_header(name, value)
    return _send(request, timeout)


def _send(request: urllib.request.Request, timeout: float) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as e:
        try:
            detail = e.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            detail = ""
        raise status_error(
            e.code, detail or str(e.reason), e.headers.get("Retry-After") if e.headers else None
        ) from None
    except TimeoutError:
        raise ApiError(f"timed out after {timeout:g} s", retryable=True) from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            raise ApiError(f"timed out after {timeout:g} s", retryable=True) from None
        raise ApiError(f"cannot connect: {reason}", retryable=True) from None
    except http.client.IncompleteRead as e:
        raise ApiError(f"truncated response ({len(e.partial)} bytes read)", retryable=True) from None
    except (http.client.HTTPException, ConnectionError, OSError) as e:
        raise ApiError(f"connection failed: {type(e).__name__}: {e}", retryable=True) from None
    return decode_json_object(raw)


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
