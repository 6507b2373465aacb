"""A local HTTP server that records requests and plays scripted replies (fixtures in conftest.py)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from holistic.models.clients.retry import RetryPolicy

# Retries in milliseconds, so fault tests take no time; the timeout is short for the slow-response case.
FAST_RETRIES = RetryPolicy(
    max_attempts=3, initial_delay=0.001, max_delay=0.01, max_retry_after=0.05, timeout=1.0
)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    """Decoded JSON body (None for GET)."""


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=dict)
    """A dict/list (sent as JSON), bytes or str (sent as is)."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (past the client's timeout: a timeout)."""
    truncate: bool = False
    """Announce a longer Content-Length than is sent, then close: a truncated body."""


class FakeApi:
    """The state of the recording server: what it received, and what it answers next."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: deque[Reply] = deque()
        self.default: Callable[[Recorded], Reply] | Reply = Reply(404, {"error": "no reply scripted"})
        self.lock = threading.Lock()
        self.url = ""

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def next_reply(self, request: Recorded) -> Reply:
        with self.lock:
            self.requests.append(request)
            if self.replies:
                return self.replies.popleft()
        return self.default(request) if callable(self.default) else self.default

    def posts(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]


def _handler(api: FakeApi):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            request = Recorded(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            reply = api.next_reply(request)
            if reply.delay:
                time.sleep(reply.delay)
            payload = reply.body
            data = (
                payload
                if isinstance(payload, bytes)
                else payload.encode()
                if isinstance(payload, str)
                else json.dumps(payload).encode()
            )
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data) + (50 if reply.truncate else 0)))
                if reply.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                if reply.truncate:
                    self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                self.close_connection = True

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self._serve("POST")

        def do_GET(self) -> None:  # noqa: N802
            self._serve("GET")

        def log_message(self, format: str, *args: Any) -> None:  # silence per-request lines
            return

    return Handler


def start_fake_api() -> tuple[FakeApi, ThreadingHTTPServer]:
    api = FakeApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    return api, server
