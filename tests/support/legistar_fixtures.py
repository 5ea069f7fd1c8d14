"""A loopback Legistar API over real October 2024 records, a client for it, and a database."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine, make_session_factory, upgrade
from pipeline.config import LegistarSettings, NetworkSettings
from pipeline.sources.legistar import LegistarClient
from tests.support.legistar_server import LegistarData, LegistarServer

FIXTURES = Path(__file__).parents[1] / "data" / "legistar"
TINY_TIMEOUT_SECONDS = 0.3
QUICK_RETRIES = NetworkSettings(attempts=3, backoff_seconds=0.01)


@pytest.fixture(scope="session")
def legistar_data() -> LegistarData:
    return LegistarData.load(FIXTURES)


@pytest.fixture
def legistar_server(legistar_data: LegistarData) -> Iterator[LegistarServer]:
    with LegistarServer(copy.deepcopy(legistar_data)) as server:
        yield server


@pytest.fixture
def legistar_settings(legistar_server: LegistarServer) -> LegistarSettings:
    return LegistarSettings(
        base_url=legistar_server.api_base,
        token=legistar_server.state.token,
        timeout_seconds=TINY_TIMEOUT_SECONDS,
    )


@pytest.fixture
def legistar_client(legistar_settings: LegistarSettings) -> Iterator[LegistarClient]:
    with LegistarClient(legistar_settings, network=QUICK_RETRIES) as client:
        yield client


@pytest.fixture
def page_client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=TINY_TIMEOUT_SECONDS) as client:
        yield client


@pytest.fixture
def session_factory(database_url: str) -> sessionmaker[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    return make_session_factory(engine)
