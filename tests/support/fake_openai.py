"""A real OpenAI-compatible HTTP server on 127.0.0.1 that tests script.

It answers `POST /v1/chat/completions` like the real API (status codes, `Retry-After`,
`finish_reason`, `refusal`, `usage`), records every request, counts the tokens it
received, and checks the JSON schema a client sends in `response_format` against the
rules of OpenAI's strict mode, answering 400 as OpenAI does when a schema breaks them.

A `ServerProfile` makes it behave like another server: llama-cpp-python's (`LLAMA_CPP`:
HTTP 500 on `json_schema`, `json_object`+`schema` instead, `max_completion_tokens`
ignored, raw newlines inside JSON strings, a context limit with its own message, one slot
that keeps computing requests their client abandoned, a `/extras/tokenize/count` endpoint
and a tokenizer that cuts finer than 4 characters a token), or any one of those traits.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from tests.support.llm_profiles import LLAMA_CPP_FORMAT_ERROR, OPENAI, ServerProfile
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
    """Answers scripted replies first, in order, then asks `responder`."""

    def __init__(
        self, responder: Responder | None = None, *, profile: ServerProfile = OPENAI
    ) -> None:
        self.responder = responder
        self.profile = profile
        self.requests: list[ReceivedRequest] = []
        self.abandoned = 0  # answers nobody was waiting for any more
        self.in_flight = 0
        self.most_in_flight = 0  # the most requests it was computing at once
        self._scripted: deque[FakeReply] = deque()
        self._lock = threading.Lock()
        self._slot = threading.Lock()
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
        with self._lock:
            self.requests.append(request)
        rejection = self.rejection(request)
        if rejection is not None:
            return rejection
        with self._lock:
            reply = self._scripted.popleft() if self._scripted else None
        if reply is None:
            if self.responder is None:
                raise AssertionError("the fake server received a request nobody scripted")
            reply = self.responder(request)
        return self.within_limit(self.reshaped(reply), request)

    def compute(self, request: ReceivedRequest) -> FakeReply:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            reply = self.reply_to(request)
            time.sleep(reply.delay_seconds)
            return reply
        finally:
            with self._lock:
                self.in_flight -= 1

    def rejection(self, request: ReceivedRequest) -> FakeReply | None:
        """The answer to a request this server cannot take, as that server words it."""
        response_format = request.body.get("response_format") or {}
        kind = response_format.get("type")
        if kind == "json_schema":
            if self.profile.json_schema_status is not None:
                return FakeReply(
                    status=self.profile.json_schema_status, error_message=LLAMA_CPP_FORMAT_ERROR
                )
            problems = strict_schema_problems(response_format["json_schema"]["schema"])
            if problems:
                return FakeReply(status=400, error_message="Invalid schema: " + "; ".join(problems))
        if (
            kind == "json_object"
            and "schema" in response_format
            and not self.profile.json_object_schema
        ):
            return FakeReply(status=400, error_message="Unrecognized request argument: schema")
        for name in self.profile.rejected_limits:
            if name in request.body:
                return FakeReply(
                    status=400,
                    error_message=f"Unsupported parameter: '{name}' is not supported with this "
                    "model.",
                )
        limit = self.limit(request)
        if (
            self.profile.context_tokens
            and request.tokens_in + (limit or 0) > self.profile.context_tokens
        ):
            return FakeReply(
                status=400,
                error_message=(
                    f"This model's maximum context length is {self.profile.context_tokens} tokens. "
                    f"However, you requested {request.tokens_in + (limit or 0)} tokens "
                    f"({request.tokens_in} in the messages, {limit} in the completion). "
                    "Please reduce the length of the messages or completion."
                ),
            )
        return None

    def limit(self, request: ReceivedRequest) -> int | None:
        limits = [
            request.body[name] for name in self.profile.honoured_limits if name in request.body
        ]
        return min(limits) if limits else None

    def reshaped(self, reply: FakeReply) -> FakeReply:
        if not self.profile.raw_newlines or reply.content is None:
            return reply
        return replace(reply, content=reply.content.replace(". ", ".\n"))

    def within_limit(self, reply: FakeReply, request: ReceivedRequest) -> FakeReply:
        """A reply longer than the honoured output limit is cut there, as a server would."""
        limit = self.limit(request)
        if limit is None or reply.content is None or self.profile.count(reply.content) <= limit:
            return reply
        characters = int(limit * (self.profile.characters_per_token or 4))
        return replace(reply, content=reply.content[:characters], finish_reason="length")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path.endswith("/extras/tokenize/count") and fake.profile.tokenize:
                    count = fake.profile.count(body["input"])
                    return self._send_json(200, {"count": count})
                if not self.path.endswith("/chat/completions"):
                    return self._send_json(404, {"detail": "Not Found"})
                tokens = sum(fake.profile.count(m.get("content") or "") for m in body["messages"])
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = ReceivedRequest(body, headers, tokens)
                slot = fake._slot if fake.profile.single_slot else contextlib.nullcontext()
                with slot:  # a single slot computes each request to the end, wanted or not
                    reply = fake.compute(request)
                self._send(reply, request)

            def _send_json(self, status: int, payload: dict[str, Any]) -> None:
                encoded = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def _send(self, reply: FakeReply, request: ReceivedRequest) -> None:
                payload = completion_payload(reply, request.body, request.tokens_in, fake.profile)
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
                    with fake._lock:  # the client gave up (a timeout test)
                        fake.abandoned += 1

            def log_message(self, *_: object) -> None:
                pass

        return Handler


def completion_payload(
    reply: FakeReply, body: dict[str, Any], tokens_in: int, profile: ServerProfile = OPENAI
) -> dict[str, Any]:
    if reply.status != 200:
        return {"error": {"message": reply.error_message, "type": "invalid_request_error"}}
    tokens_out = profile.count(reply.content or reply.refusal or "")
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
