"""A loopback Legistar Web API (and Viebit video pages) serving real records, for tests.

It pages with `$top`/`$skip`, sorts by `$orderby`, filters with `$filter` date clauses
(`Field ge datetime'...' and ...`), answers 403 "Token is required" without the token, and
can be told to fail the next requests of a collection (429, 500, a slow answer, bad JSON).
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.loopback import LoopbackServer

REAL_VIEBIT = "https://councilnyc.viebit.com"
MAX_TOP = 1000
CLAUSE = re.compile(r"^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+datetime'([^']+)'\s*$")
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


@dataclass
class Fault:
    """One planned bad answer: a status (with Retry-After), a delay, or a raw body."""

    status: int = 200
    retry_after: str | None = None
    delay: float = 0.0
    body: bytes | None = None


@dataclass
class LegistarData:
    events: list[dict[str, Any]]
    roll_calls: dict[str, list[dict[str, Any]]]
    bodies: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    office_records: list[dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> LegistarData:
        def read(name: str) -> Any:
            return json.loads((folder / name).read_text(encoding="utf-8"))

        return cls(
            events=read("events_2024-10.json"),
            roll_calls=read("rollcalls_2024-10.json"),
            bodies=read("bodies.json"),
            persons=read("persons.json"),
            office_records=read("officerecords_2024.json"),
        )


@dataclass
class ServerState:
    data: LegistarData
    token: str
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    pages_without_player: set[str] = field(default_factory=set)
    missing_pages: set[str] = field(default_factory=set)
    overlap_pages: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, collection: str, *faults: Fault) -> None:
        self.faults.setdefault(collection.lower(), []).extend(faults)

    def take_fault(self, collection: str) -> Fault | None:
        with self.lock:
            queue = self.faults.get(collection.lower())
            return queue.pop(0) if queue else None

    def event(self, event_id: int) -> dict[str, Any]:
        return next(e for e in self.data.events if e["EventId"] == event_id)

    def count(self, fragment: str) -> int:
        return sum(fragment in request for request in self.requests)


def matches(record: dict[str, Any], where: str) -> bool:
    for clause in filter(None, re.split(r"\s+and\s+", where)):
        found = CLAUSE.match(clause)
        if found is None:
            raise ValueError(f"unsupported $filter clause {clause!r}")
        name, op, value = found.groups()
        if record.get(name) is None:
            return False
        if not OPERATORS[op](datetime.fromisoformat(record[name]), datetime.fromisoformat(value)):
            return False
    return True


def odata_page(records: list[dict[str, Any]], query: dict[str, str], overlap: bool) -> list[Any]:
    chosen = [r for r in records if matches(r, query.get("$filter", ""))]
    if "$orderby" in query:
        chosen.sort(key=lambda r: r.get(query["$orderby"]) or 0)
    skip = int(query.get("$skip", 0))
    if overlap and skip:  # as if a record was inserted before this page between the two calls
        skip -= 1
    top = min(int(query.get("$top", MAX_TOP)), MAX_TOP)
    return chosen[skip : skip + top]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *_args: Any) -> None:
        """Quiet: tests read `state.requests` instead."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        state = self.server.state
        state.requests.append(self.path)
        segments = [s for s in parts.path.split("/") if s]
        if segments[:2] == ["viebit", "vod"]:
            self._answer_page(query.get("v", ""))
            return
        collection = segments[2] if len(segments) > 2 else ""
        if query.get("token") != state.token:
            self._send(403, json.dumps({"Message": "Token is required"}).encode())
            return
        fault = state.take_fault(collection)
        if fault is not None:
            time.sleep(fault.delay)
            if fault.status != 200 or fault.body is not None:
                self._send(fault.status, fault.body or b'{"Message": "failure"}', fault.retry_after)
                return
        payload = self._route([s.lower() for s in segments[2:]], query)
        if payload is None:
            self._send(404, b'{"Message": "No HTTP resource was found"}')
            return
        self._send(200, json.dumps(payload).encode())

    def _route(self, path: list[str], query: dict[str, str]) -> Any:
        data, overlap = self.server.state.data, self.server.state.overlap_pages
        collections = {
            ("events",): lambda: [self._public_event(e) for e in data.events],
            ("bodies",): lambda: data.bodies,
            ("persons",): lambda: data.persons,
            ("officerecords",): lambda: data.office_records,
        }
        if tuple(path) in collections:
            return odata_page(collections[(path[0],)](), query, overlap)
        if len(path) == 3 and path[0] == "events" and path[2] == "eventitems":
            event = next((e for e in data.events if str(e["EventId"]) == path[1]), None)
            return None if event is None else odata_page(event["EventItems"], query, overlap)
        if len(path) == 3 and path[0] == "eventitems" and path[2] == "rollcalls":
            return data.roll_calls.get(path[1], [])
        return None

    def _public_event(self, event: dict[str, Any]) -> dict[str, Any]:
        public = {key: value for key, value in event.items() if key != "EventItems"}
        if public.get("EventVideoPath"):
            public["EventVideoPath"] = public["EventVideoPath"].replace(
                REAL_VIEBIT, f"{self.server.base_url}/viebit"
            )
        return public

    def _answer_page(self, name: str) -> None:
        if not name or name in self.server.state.missing_pages:
            self._send(404, b"<html>not found</html>", content_type="text/html")
            return
        player = ""
        if name not in self.server.state.pages_without_player:
            video_hash = hashlib.sha1(name.encode()).hexdigest()[:16]
            player = f'<iframe src="https://councilnyc.viebit.com/player.php?hash={video_hash}">'
        html = f"<html><body><h1>{name}</h1>{player}</body></html>"
        self._send(200, html.encode(), content_type="text/html")

    def _send(
        self,
        status: int,
        body: bytes,
        retry_after: str | None = None,
        content_type: str = "application/json",
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer


class _Server(LoopbackServer):
    def __init__(self, state: ServerState) -> None:
        super().__init__(_Handler)
        self.state = state


class LegistarServer:
    def __init__(self, data: LegistarData, token: str = "test-token-0123") -> None:
        self.state = ServerState(data=data, token=token)
        self._server = _Server(self.state)
        self.base = self._server.base_url
        self.api_base = f"{self.base}/v1"

    def __enter__(self) -> LegistarServer:
        self._server.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.stop()

    def page_url(self, name: str) -> str:
        return f"{self.base}/viebit/vod/?s=true&v={name}"
