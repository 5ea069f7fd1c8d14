"""A loopback HTTP server for download tests: byte ranges, cut connections, a request log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.support.loopback import LoopbackServer

RANGE = re.compile(r"bytes=(\d+)-$")


@dataclass
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200
    # Send only this many bytes of the first `cuts` full responses, then drop the connection.
    cut_after: int | None = None
    cuts: int = 0
    accept_ranges: bool = True
    retry_after: str | None = None  # sent with an error status


@dataclass
class MediaServer:
    host: str
    port: int
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        return len(self.ranges_asked(path))

    def ranges_asked(self, path: str) -> list[str | None]:
        return [asked for requested, asked in self.requests if requested == path]


def _handler(server: MediaServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the request log is `server.requests`."""

        def do_GET(self) -> None:
            asked = self.headers.get("Range")
            server.requests.append((self.path, asked))
            route = server.routes.get(self.path)
            if route is None:
                self._answer(404, b"not found", "text/plain")
                return
            if route.status != 200:
                self._answer(route.status, route.body, route.content_type, route.retry_after)
                return
            offset = int(RANGE.match(asked).group(1)) if asked and route.accept_ranges else 0
            if offset >= len(route.body) and offset:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(route.body)}")
                self.end_headers()
                return
            self._send_media(route, offset)

        def _send_media(self, route: Route, offset: int) -> None:
            body = route.body[offset:]
            self.send_response(206 if offset else 200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            if route.accept_ranges:
                self.send_header("Accept-Ranges", "bytes")
            if offset:
                total = len(route.body)
                self.send_header("Content-Range", f"bytes {offset}-{total - 1}/{total}")
            self.end_headers()
            if route.cut_after is not None and route.cuts > 0 and not offset:
                route.cuts -= 1
                self.wfile.write(body[: route.cut_after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.wfile.write(body)

        def _answer(
            self, status: int, body: bytes, content_type: str, retry_after: str | None = None
        ) -> None:
            self.send_response(status)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve() -> Iterator[MediaServer]:
    state = MediaServer("127.0.0.1", 0)
    httpd = LoopbackServer(_handler(state))
    state.port = httpd.server_address[1]
    httpd.start()
    try:
        yield state
    finally:
        httpd.stop()
