"""The one way the pipeline talks HTTP: one client factory and one retry policy.

`http_client` gives every caller (downloads, Viebit pages, Legistar) the same timeouts, user
agent and redirects, and installs the log filter that masks API tokens in URLs. `RetryPolicy`
is the only retry layer of a request or download: at most `attempts` tries, waiting the
server's `Retry-After` or a doubling back-off, and never more than `budget_seconds` from the
first try to the last, so an unreachable service costs a bounded, configured time.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from pipeline.config import NetworkSettings

USER_AGENT = "hearings/0.1 (+public hearing transcripts)"
TOKEN_IN_URL = re.compile(r"(?i)(token=)[^&\s\"']+")

Sleep = Callable[[float], None]
RetryAfter = Callable[[BaseException], float | None]
BeforeSleep = Callable[[RetryCallState], None]


def mask_token(text: str) -> str:
    return TOKEN_IN_URL.sub(r"\1***", text)


class _MaskTokenFilter(logging.Filter):
    """Rewrites httpx's 'HTTP Request: GET <url>' lines so a token never reaches a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_token(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_masked_log_arg(arg) for arg in record.args)
        return True


def _masked_log_arg(arg: object) -> object:
    return mask_token(str(arg)) if isinstance(arg, str | httpx.URL) else arg


def install_log_masking() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(existing, _MaskTokenFilter) for existing in logger.filters):
            logger.addFilter(_MaskTokenFilter())


def http_client(network: NetworkSettings, *, read_timeout: float | None = None) -> httpx.Client:
    """A client with the configured timeouts (`read_timeout` overrides the read one)."""
    install_log_masking()
    timeout = httpx.Timeout(
        read_timeout or network.read_timeout_seconds, connect=network.connect_timeout_seconds
    )
    return httpx.Client(
        follow_redirects=True, timeout=timeout, headers={"User-Agent": USER_AGENT}
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header; None when absent or an HTTP date."""
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None  # an HTTP-date: fall back to our own back-off


def _no_retry_after(_error: BaseException) -> float | None:
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long one operation is retried (`HEARINGS_NETWORK__*`)."""

    attempts: int
    budget_seconds: float
    backoff_seconds: float

    @classmethod
    def from_settings(cls, network: NetworkSettings) -> RetryPolicy:
        return cls(network.attempts, network.retry_budget_seconds, network.backoff_seconds)

    def delay(self, retry_after: float | None, attempt: int) -> float:
        """Seconds before try `attempt + 1`: the server's Retry-After, else a doubling wait."""
        if retry_after is not None:
            return retry_after
        return self.backoff_seconds * 2 ** (attempt - 1)

    def retrying(
        self,
        retry_on: type[BaseException] | tuple[type[BaseException], ...],
        *,
        retry_after: RetryAfter = _no_retry_after,
        before_sleep: BeforeSleep | None = None,
        sleep: Sleep = time.sleep,
    ) -> Retrying:
        """A tenacity `Retrying` that re-raises the last error once the policy says stop."""

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            return self.delay(retry_after(error) if error else None, state.attempt_number)

        return Retrying(
            retry=retry_if_exception_type(retry_on),
            stop=self.should_stop,
            wait=wait,
            before_sleep=before_sleep,
            sleep=sleep,
            reraise=True,
        )

    def should_stop(self, state: RetryCallState) -> bool:
        """Out of tries, or the next wait would end past the time budget. Time spent counts
        the waits as planned too, so an injected sleep (tests) is held to the same budget."""
        if state.attempt_number >= self.attempts:
            return True
        spent = max(state.seconds_since_start or 0.0, state.idle_for)
        return spent + (state.upcoming_sleep or 0.0) > self.budget_seconds

    def describe(self, tries: int) -> str:
        """'3 tries' or '2 tries; the 120 s retry budget ran out'."""
        plural = "try" if tries == 1 else "tries"
        if tries < self.attempts:
            return f"{tries} {plural}; the {self.budget_seconds:g} s retry budget ran out"
        return f"{tries} {plural}"


DEFAULT_RETRY = RetryPolicy.from_settings(NetworkSettings())
