"""Every route: without a login it sends the browser to log in; every state change needs the
session's CSRF token (403 and nothing changed without it); pages carry security headers."""

from __future__ import annotations

import pytest

from pipeline.review.security import SECURITY_HEADERS
from tests.pipeline.review.conftest import PASSWORD, SLUG, ReviewClient, ReviewEnv
from tests.pipeline.review.snapshot import chapters, edits, snapshot, speakers


def state_changes(env: ReviewEnv) -> list[tuple[str, dict[str, object]]]:
    """Each state-changing route with a form that would succeed with a valid token."""
    first, second = chapters(env.factory, env.hearing_id)[:2]
    speaker = speakers(env.factory, env.hearing_id)["SPEAKER_01"]
    layout = ",".join(str(c.start_line) for c in chapters(env.factory, env.hearing_id))
    base = f"/hearings/{SLUG}"
    return [
        (f"{base}/chapters/{first.id}", {
            "version": first.version, "kind": "qa", "title": "New", "bullets": ["a"],
        }),
        (f"{base}/chapters/{first.id}/structure", {
            "layout": layout, "action": "split", "line": first.start_line + 2,
        }),
        (f"{base}/chapters/{second.id}/structure", {
            "layout": layout, "action": "move", "line": second.start_line + 1,
        }),
        (f"{base}/chapters/{first.id}/structure", {"layout": layout, "action": "merge"}),
        (f"{base}/chapters/{first.id}/review", {"version": first.version, "state": "approved"}),
        (f"{base}/chapters/{first.id}/regenerate", {}),
        (f"{base}/speakers/{speaker.id}", {"action": "rename", "name": "Dana Smith"}),
        (f"{base}/approve-all", {}),
        (f"{base}/publish", {}),
        (f"{base}/undo", {"edit_id": 1}),
    ]  # fmt: skip


PAGES = ["/", f"/hearings/{SLUG}", f"/hearings/{SLUG}/history", f"/hearings/{SLUG}/media"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_without_login_redirect_to_login(env: ReviewEnv, path: str) -> None:
    with env.client() as anonymous:
        response = anonymous.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


def test_state_changes_without_login_redirect_and_change_nothing(env: ReviewEnv) -> None:
    before = snapshot(env.factory)
    with env.client() as anonymous:
        token = anonymous.csrf("/login")  # even with a valid anonymous token
        for path, data in state_changes(env):
            response = anonymous.post(
                path, data={**data, "csrf_token": token}, follow_redirects=False
            )
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login"), path
    assert snapshot(env.factory) == before


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_state_changes_with_a_missing_or_wrong_csrf_token_are_forbidden(
    env: ReviewEnv, client: ReviewClient, token: str | None
) -> None:
    before = snapshot(env.factory)
    for path, data in state_changes(env):
        form = data if token is None else {**data, "csrf_token": token}
        response = client.post(path, data=form, follow_redirects=False)
        assert response.status_code == 403, path
        assert "security token" in response.text
    assert snapshot(env.factory) == before


def test_a_token_from_another_session_is_refused(env: ReviewEnv, client: ReviewClient) -> None:
    with env.client() as other:
        other.login("bob")
        foreign = other.csrf(f"/hearings/{SLUG}")
    before = snapshot(env.factory)
    path, data = state_changes(env)[0]
    response = client.post(path, data={**data, "csrf_token": foreign}, follow_redirects=False)
    assert response.status_code == 403
    assert snapshot(env.factory) == before


def test_login_and_logout_need_the_csrf_token(env: ReviewEnv) -> None:
    with env.client() as browser:
        response = browser.post("/login", data={"name": "alice", "password": PASSWORD})
        assert response.status_code == 403
        browser.login()
        assert browser.post("/logout", follow_redirects=False).status_code == 403
        assert browser.get("/", follow_redirects=False).status_code == 200
        token = browser.csrf("/")
        assert browser.post("/logout", data={"csrf_token": token}).status_code == 200
        assert browser.get("/", follow_redirects=False).status_code == 303


def test_every_page_sends_security_headers(client: ReviewClient) -> None:
    for path in ["/", f"/hearings/{SLUG}", "/login", "/static/review.js"]:
        response = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert SECURITY_HEADERS["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client: ReviewClient) -> None:
    page = client.get(f"/hearings/{SLUG}").text
    assert page.count("<script") == 1 and '<script src="/static/review.js"' in page
    assert " style=" not in page and "<style" not in page and " onclick=" not in page


def test_a_tampered_session_cookie_is_not_a_login(env: ReviewEnv, client: ReviewClient) -> None:
    cookie = client.cookies["hearings_review"]
    with env.client() as forger:
        forger.cookies.set("hearings_review", cookie[:-4] + "AAAA")
        assert forger.get("/", follow_redirects=False).status_code == 303


def test_nothing_unrecorded_happened(env: ReviewEnv, client: ReviewClient) -> None:
    # Logging in and viewing pages records no edits.
    for path in PAGES[:3]:
        client.get(path)
    assert edits(env.factory) == []
