"""A real OpenAI-compatible HTTP server on 127.0.0.1 that tests script.

It answers `POST /v1/chat/completions` like the real API (status codes, `Retry-After`,
`finish_reason`, `refusal`, `usage`), records every request, counts the tokens it
received, and checks the JSON schema a client sends in `response_format` against the
rules of OpenAI's strict mode, answering 400 as OpenAI does when a schema breaks them.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from pipeline.chapters.tokens import token_counter
from tests.support.loopback import LoopbackServer


@dataclass(frozen=True)
class FakeReply:
    content: str | None = None
    finish_reason: str = "stop"
    refusal: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error_message: str = "scripted failure"
    delay_seconds: float = 0.0

    @classmethod
    def json(cls, value: Any) -> FakeReply:
        return cls(content=json.dumps(value))


@dataclass(frozen=True)
class ReceivedRequest:
    body: dict[str, Any]
    headers: dict[str, str]
    tokens_in: int

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.body["messages"]

    @property
    def text(self) -> str:
        return "\n".join(message["content"] for message in self.messages)

    @property
    def prompt_text(self) -> str:
        """The first user message: the rendered prompt, before any re-ask."""
        return next(m["content"] for m in self.messages if m["role"] == "user")

    @property
    def user_text(self) -> str:
        return next(m["content"] for m in reversed(self.messages) if m["role"] == "user")

    @property
    def schema_name(self) -> str | None:
        response_format = self.body.get("response_format") or {}
        return response_format.get("json_schema", {}).get("name")

    @property
    def schema(self) -> dict[str, Any] | None:
        response_format = self.body.get("response_format") or {}
        return response_format.get("json_schema", {}).get("schema")


Responder = Callable[[ReceivedRequest], FakeReply]


def strict_schema_problems(schema: dict[str, Any]) -> list[str]:
    """What OpenAI's strict mode would reject: open objects, optional properties."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        return [f"not a JSON schema: {error.message}"]
    problems = []
    for path, node in walk(schema, "#"):
        if node.get("type") == "object" or "properties" in node:
            if node.get("additionalProperties") is not False:
                problems.append(f"{path}: additionalProperties must be false")
            missing = set(node.get("properties", {})) - set(node.get("required", []))
            if missing:
                problems.append(f"{path}: every property must be required ({sorted(missing)})")
    return problems


def walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from walk(value, f"{path}/{position}")


class FakeOpenAI:
    """Answers scripted replies first, in order, then asks `responder`.

    `json_schema=False` mimics a server without structured outputs (400 on a schema).
    """

    def __init__(self, responder: Responder | None = None, *, json_schema: bool = True) -> None:
        self.responder = responder
        self.supports_json_schema = json_schema
        self.requests: list[ReceivedRequest] = []
        self._scripted: deque[FakeReply] = deque()
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._handler_class())

    @property
    def base_url(self) -> str:
        return f"{self._server.base_url}/v1"

    @property
    def tokens_received(self) -> int:
        return sum(request.tokens_in for request in self.requests)

    def script(self, *replies: FakeReply) -> None:
        self._scripted.extend(replies)

    def __enter__(self) -> FakeOpenAI:
        self._server.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.stop()

    def reply_to(self, request: ReceivedRequest) -> FakeReply:
        body = request.body
        with self._lock:
            self.requests.append(request)
        response_format = body.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            if not self.supports_json_schema:
                return FakeReply(
                    status=400, error_message="response_format json_schema is not supported"
                )
            problems = strict_schema_problems(response_format["json_schema"]["schema"])
            if problems:
                return FakeReply(status=400, error_message="Invalid schema: " + "; ".join(problems))
        with self._lock:
            if self._scripted:
                return self._scripted.popleft()
        if self.responder is None:
            raise AssertionError("the fake server received a request nobody scripted")
        return self.responder(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                counter = token_counter()
                tokens = sum(counter.count(m.get("content") or "") for m in body["messages"])
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = ReceivedRequest(body, headers, tokens)
                reply = fake.reply_to(request)
                time.sleep(reply.delay_seconds)
                self._send(reply, request)

            def _send(self, reply: FakeReply, request: ReceivedRequest) -> None:
                payload = completion_payload(reply, request.body, request.tokens_in)
                encoded = json.dumps(payload).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in {
                        "Content-Type": "application/json",
                        **reply.headers,
                    }.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(encoded)))
                    self.end_headers()
                    self.wfile.write(encoded)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def log_message(self, *_: object) -> None:
                pass

        return Handler


def completion_payload(reply: FakeReply, body: dict[str, Any], tokens_in: int) -> dict[str, Any]:
    if reply.status != 200:
        return {"error": {"message": reply.error_message, "type": "invalid_request_error"}}
    tokens_out = token_counter().count(reply.content or reply.refusal or "")
    message = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [
            {"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}
        ],
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        },
    }
