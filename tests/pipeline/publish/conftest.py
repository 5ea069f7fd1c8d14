"""A migrated SQLite database holding the seed hearing, and a site published from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.publish.site import publish_site
from tests.support.seed_hearing import store_seed_hearing


@pytest.fixture
def factory(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'publish.db'}")
    upgrade(engine)
    return make_session_factory(engine)


@pytest.fixture
def site(factory: sessionmaker[Session], tmp_path: Path) -> Path:
    with transaction(factory) as session:
        store_seed_hearing(session)
    out = tmp_path / "site"
    publish_site(factory, out)
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def all_site_text(out: Path) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(out.rglob("*")) if path.is_file()
    )
