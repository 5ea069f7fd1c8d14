"""Passwords (argon2), CSRF tokens, a login rate limit and the security headers of every page."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

from pipeline.errors import HearingsError

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MIN_PASSWORD_LENGTH = 10
# No inline script or style anywhere: the page's own files only; video may come from the
# hearing's source (the Council's media server) when it is not stored locally.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' https:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the name is unknown, so a wrong name takes as long as a wrong password.

    Made on first use, not at import: one argon2 hash costs every CLI command 0.2 s."""
    return _hasher.hash(secrets.token_urlsafe(16))


class PasswordTooShort(HearingsError, ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(matches, a new hash when the stored one uses outdated parameters)."""
    try:
        _hasher.verify(stored_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored_hash is None:
        return False, None
    return True, _hasher.hash(password) if _hasher.check_needs_rehash(stored_hash) else None


def csrf_token(session: dict[str, object]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_matches(session: dict[str, object], given: str | None) -> bool:
    expected = session.get(CSRF_FIELD)
    return isinstance(expected, str) and bool(given) and secrets.compare_digest(expected, given)


class LoginLimiter:
    """At most `max_failures` failed logins per client address and per name in `window` s.

    Kept in memory: one review process guards itself; a restart forgets the failures.
    """

    def __init__(self, max_failures: int = 5, window_seconds: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, *keys: str) -> int:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        now = time.monotonic()
        with self._lock:
            waits = [
                failures[0] + self.window - now
                for key in keys
                if len(failures := self._recent(key, now)) >= self.max_failures
            ]
        return max(1, round(max(waits))) if waits else 0

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.media_type == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
