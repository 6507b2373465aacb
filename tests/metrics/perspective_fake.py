"""A local HTTP server on 127.0.0.1 that speaks Perspective API's `comments:analyze` (v1alpha1).

The key is accepted as Google APIs accept it: the `X-Goog-Api-Key` header or the `key` query parameter.

Toxicity of a text: 0.9 if it contains "idiot", else 0.1 (other attributes: 0.05). `failures` is a queue of
HTTP statuses to answer before answering properly (429 with `Retry-After: 0`, 500, 403, ...).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

API_KEY = "test-perspective-key"


def toxicity_of(text: str) -> float:
    return 0.9 if "idiot" in text else 0.1


@dataclass
class FakePerspective:
    url: str = ""
    texts: list[str] = field(default_factory=list)
    """Texts answered, in arrival order."""

    paths: list[str] = field(default_factory=list)
    """Request paths with their query strings, as received."""

    failures: list[int] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(api: FakePerspective):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _reply(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            parsed = urlparse(self.path)
            with api.lock:
                api.paths.append(self.path)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with api.lock:
                failure = api.failures.pop(0) if api.failures else None
            if parsed.path != "/v1alpha1/comments:analyze":
                status, answer = 404, {"error": {"code": 404, "message": "not found"}}
            elif API_KEY not in (self.headers.get("X-Goog-Api-Key"), *parse_qs(parsed.query).get("key", [])):
                status, answer = 400, {"error": {"code": 400, "message": "API key not valid."}}
            elif failure is not None:
                status, answer = failure, {"error": {"code": failure, "message": "try again"}}
            else:
                text = body["comment"]["text"]
                with api.lock:
                    api.texts.append(text)
                scores = {}
                for attribute in body["requestedAttributes"]:
                    value = toxicity_of(text) if attribute == "TOXICITY" else 0.05
                    score = {"value": value, "type": "PROBABILITY"}
                    scores[attribute] = {
                        "spanScores": [{"begin": 0, "end": len(text), "score": score}],
                        "summaryScore": score,
                    }
                status, answer = 200, {"attributeScores": scores, "languages": body["languages"]}
            with api.lock:
                api.statuses.append(status)
            self._reply(status, answer, {"Retry-After": "0"} if status == 429 else None)

    return Handler


def start_fake_perspective() -> tuple[FakePerspective, ThreadingHTTPServer]:
    api = FakePerspective()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    api.url = f"http://127.0.0.1:{server.server_address[1]}/v1alpha1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return api, server
