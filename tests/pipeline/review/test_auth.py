"""Editors and logging in: `hearings editor add`, argon2 hashes, the rate limit, sessions,
and `hearings review` serving the app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from models import Editor
from pipeline.cli import app
from pipeline.review.security import LoginLimiter
from tests.pipeline.review.conftest import PASSWORD, SLUG, ReviewClient, ReviewEnv, migrated_factory

runner = CliRunner()


def test_editor_add_stores_an_argon2_hash_never_the_password(settings) -> None:
    factory = migrated_factory(settings.effective_database_url)
    result = runner.invoke(app, ["editor", "add", "carol"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    with factory() as session:
        editor = session.query(Editor).filter_by(name="carol").one()
        assert editor.password_hash.startswith("$argon2id$")
        assert PASSWORD not in editor.password_hash
    again = runner.invoke(app, ["editor", "add", "carol"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 1 and "use --replace" in again.output
    short = runner.invoke(app, ["editor", "add", "dave"], input="short\nshort\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    spaced = runner.invoke(app, ["editor", "add", "a b"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert spaced.exit_code == 1 and "without spaces" in spaced.output


def login(client: ReviewClient, name: str, password: str) -> httpx.Response:
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": client.csrf()},
        follow_redirects=False,
    )


def test_a_wrong_password_or_unknown_name_is_refused_alike(env: ReviewEnv) -> None:
    with env.client() as browser:
        wrong = login(browser, "alice", "not the password")
        unknown = login(browser, "mallory", PASSWORD)
        assert wrong.status_code == unknown.status_code == 401
        assert "Wrong name or password." in wrong.text and "Wrong name or password." in unknown.text
        assert browser.get("/", follow_redirects=False).status_code == 303


def test_failed_logins_are_rate_limited(env: ReviewEnv) -> None:
    with env.client() as browser:
        for _ in range(5):
            assert login(browser, "alice", "guess guess").status_code == 401
        limited = login(browser, "alice", PASSWORD)  # even the right password waits now
        assert limited.status_code == 429
        assert "Too many failed logins" in limited.text
        assert int(limited.headers["retry-after"]) > 0
        other_name = login(browser, "bob", PASSWORD)  # same address: limited too
        assert other_name.status_code == 429


def test_the_limit_window_passes() -> None:
    limiter = LoginLimiter(max_failures=2, window_seconds=0.2)
    limiter.failed("address:1")
    limiter.failed("address:1")
    assert limiter.retry_after("address:1") > 0
    time.sleep(0.25)
    assert limiter.retry_after("address:1") == 0


def test_login_returns_to_the_page_asked_for_but_never_off_site(env: ReviewEnv) -> None:
    with env.client() as browser:
        page = browser.get(f"/hearings/{SLUG}")  # redirected to the log-in form
        assert f'name="next" value="/hearings/{SLUG}"' in page.text
        targets = [
            (f"/hearings/{SLUG}", f"/hearings/{SLUG}"),
            ("//evil.example", "/"),
            ("https://evil.example", "/"),
        ]
        for target, expected in targets:
            form = {"name": "alice", "password": PASSWORD, "next": target}
            form["csrf_token"] = browser.csrf()
            response = browser.post("/login", data=form, follow_redirects=False)
            assert response.headers["location"] == expected


def test_a_deactivated_editor_is_logged_out(env: ReviewEnv, client: ReviewClient) -> None:
    with env.factory() as session, session.begin():
        session.query(Editor).filter_by(name="alice").one().active = False
    assert client.get("/", follow_redirects=False).status_code == 303


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_hearings_review_serves_the_app(settings, tmp_path: Path) -> None:
    migrated_factory(settings.effective_database_url)
    port = free_port()
    hearings = Path(sys.executable).parent / "hearings"
    server = subprocess.Popen(
        [hearings, "review", "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        response = None
        for _ in range(150):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None and response.status_code == 200
        assert "Editors’ log-in" in response.text
        assert response.headers["x-frame-options"] == "DENY"
        assert "server" not in response.headers
    finally:
        server.terminate()
        server.wait(timeout=10)
