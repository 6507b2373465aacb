"""A static file server for the report and the raw JSON of a suite (standard library only)."""

from __future__ import annotations

import functools
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

HELM_PREFIX = "/benchmark_output/"


class ReportHandler(SimpleHTTPRequestHandler):
    """Serves the output directory; `/` goes to the suite's report, `/benchmark_output/...` is HELM's alias."""

    suite: str = "latest"
    quiet: bool = False

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self._redirect_root():
            return
        super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if self._redirect_root():
            return
        super().do_HEAD()

    def _redirect_root(self) -> bool:
        path = urlsplit(self.path).path
        if path not in ("/", "/index.html"):
            return False
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", f"/runs/{quote(self.suite)}/report/index.html")
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True

    def translate_path(self, path: str) -> str:
        if path.startswith(HELM_PREFIX):
            path = "/" + path[len(HELM_PREFIX) :]
        return super().translate_path(path)

    def end_headers(self) -> None:
        # The report changes whenever helm-summarize runs again: never serve a stale copy.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        if not self.quiet:
            super().log_message(format, *args)


ReportHandler.extensions_map = {
    **SimpleHTTPRequestHandler.extensions_map,
    ".js": "text/javascript",
    ".tex": "text/plain; charset=utf-8",
    ".json": "application/json",
}


def make_server(
    output_path: str | Path, suite: str, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False
) -> ThreadingHTTPServer:
    handler = type("SuiteReportHandler", (ReportHandler,), {"suite": suite, "quiet": quiet})
    return ThreadingHTTPServer(
        (host, port), functools.partial(handler, directory=str(Path(output_path).resolve()))
    )


def report_url(server: ThreadingHTTPServer, suite: str) -> str:
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    return f"http://{shown}:{port}/runs/{quote(suite)}/report/index.html"
