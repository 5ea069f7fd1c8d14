"""The one HTTP client factory and the one retry policy (pipeline/http.py)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from pipeline.config import NetworkSettings
from pipeline.http import USER_AGENT, RetryPolicy, http_client
from tests.support.loopback import LoopbackServer

SEEN: list[dict[str, str]] = []


class _EchoHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None: ...

    def do_GET(self) -> None:
        SEEN.append(dict(self.headers))
        if self.path.startswith("/old"):
            self.send_response(301)
            self.send_header("Location", "/new?token=s3cret")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


@pytest.fixture
def echo() -> Iterator[str]:
    SEEN.clear()
    server = LoopbackServer(_EchoHandler)
    server.start()
    yield server.base_url
    server.stop()


def test_every_request_carries_our_user_agent_and_follows_redirects(echo: str) -> None:
    with http_client(NetworkSettings()) as client:
        response = client.get(f"{echo}/old")
    assert (response.status_code, response.text) == (200, "ok")
    assert [headers["User-Agent"] for headers in SEEN] == [USER_AGENT, USER_AGENT]


def test_timeouts_come_from_the_settings() -> None:
    network = NetworkSettings(connect_timeout_seconds=3, read_timeout_seconds=40)
    with http_client(network) as client:
        assert (client.timeout.connect, client.timeout.read) == (3, 40)
    with http_client(network, read_timeout=7) as client:
        assert (client.timeout.connect, client.timeout.read) == (3, 7)


def test_tokens_in_urls_never_reach_the_log(echo: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    with http_client(NetworkSettings()) as client:
        client.get(f"{echo}/old?token=s3cret")
    assert "HTTP Request" in caplog.text
    assert "s3cret" not in caplog.text and "token=***" in caplog.text


class _Flaky(Exception):
    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("flaky")
        self.retry_after = retry_after


def _run(policy: RetryPolicy, *errors: _Flaky) -> tuple[int, list[float]]:
    """How many tries `policy` makes of a call failing with `errors` (then succeeding)."""
    waits: list[float] = []
    failures = iter(errors)
    tries = 0

    def call() -> str:
        nonlocal tries
        tries += 1
        error = next(failures, None)
        if error is not None:
            raise error
        return "done"

    retrying = policy.retrying(
        _Flaky, retry_after=lambda e: getattr(e, "retry_after", None), sleep=waits.append
    )
    with contextlib.suppress(_Flaky):  # the policy gave up: the last error is re-raised
        retrying(call)
    return tries, waits


def test_tries_stop_at_the_configured_number() -> None:
    policy = RetryPolicy(attempts=3, budget_seconds=1000, backoff_seconds=1)
    assert _run(policy, *[_Flaky()] * 10) == (3, [1, 2])
    assert _run(policy, _Flaky()) == (2, [1])  # a success ends it


def test_waits_never_add_up_past_the_budget() -> None:
    policy = RetryPolicy(attempts=50, budget_seconds=60, backoff_seconds=2)
    tries, waits = _run(policy, *[_Flaky()] * 50)
    assert waits == [2, 4, 8, 16] and sum(waits) <= 60  # 32 more would make 62
    assert tries == 5


def test_retry_after_is_honoured_within_the_budget() -> None:
    policy = RetryPolicy(attempts=5, budget_seconds=180, backoff_seconds=2)
    assert _run(policy, _Flaky(retry_after=120), _Flaky(retry_after=120)) == (2, [120])
    assert policy.describe(2) == "2 tries; the 180 s retry budget ran out"
    assert policy.describe(5) == "5 tries"


def test_the_defaults_bound_what_an_unreachable_service_costs() -> None:
    policy = RetryPolicy.from_settings(NetworkSettings())
    refused_tries, refused_waits = _run(policy, *[_Flaky()] * 50)
    assert sum(refused_waits) <= 60  # a refused connection: each try fails at once
    _, busy_waits = _run(policy, *[_Flaky(retry_after=90)] * 50)
    assert sum(busy_waits) <= 180  # 5xx/429 with Retry-After
    assert refused_tries == policy.attempts
