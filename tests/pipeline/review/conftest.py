"""A migrated database with one stored hearing and one editor, and the review app on it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.config import Settings
from pipeline.review import security
from pipeline.review.app import create_app
from pipeline.review.security import hash_password
from pipeline.store.editors import add_editor
from pipeline.testing.review_hearing import CSRF_INPUT, seed_hearing

PASSWORD = "correct horse battery"
SLUG = "finance-2024-10-10"


def migrated_factory(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    upgrade(engine)
    return make_session_factory(engine)


def add_editors(factory: sessionmaker[Session], *names: str) -> None:
    with transaction(factory) as session:
        for name in names:
            add_editor(session, name, hash_password(PASSWORD))


class ReviewClient(TestClient):
    """A test client that logs in and finds the CSRF token on the pages it gets."""

    def login(self, name: str = "alice", password: str = PASSWORD) -> None:
        response = self.post(
            "/login",
            data={"name": name, "password": password, "csrf_token": self.csrf()},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text

    def csrf(self, path: str = "/login") -> str:
        match = CSRF_INPUT.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def change(self, path: str, data: dict[str, object] | None = None, **kwargs: object):
        """POST a form with the session's CSRF token, as the page's forms do."""
        token = self.csrf(f"/hearings/{SLUG}")
        return self.post(
            path, data={**(data or {}), "csrf_token": token}, follow_redirects=False, **kwargs
        )


@dataclass
class ReviewEnv:
    factory: sessionmaker[Session]
    hearing_id: int
    settings: Settings

    def client(self) -> ReviewClient:
        return ReviewClient(create_app(self.settings, self.factory))


def make_env(url: str, settings: Settings, **seed: object) -> ReviewEnv:
    factory = migrated_factory(url)
    hearing_id = seed_hearing(factory, SLUG, **seed)  # type: ignore[arg-type]
    add_editors(factory, "alice", "bob")
    return ReviewEnv(factory, hearing_id, settings)


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with parameters small enough for tests on two busy cores."""
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'review.db'}"


@pytest.fixture
def env(sqlite_url: str, settings: Settings) -> ReviewEnv:
    return make_env(sqlite_url, settings, untrusted_text="<script>alert(1)</script> & more")


@pytest.fixture
def client(env: ReviewEnv) -> Iterator[ReviewClient]:
    with env.client() as client:
        client.login()
        yield client
