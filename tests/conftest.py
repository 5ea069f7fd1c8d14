"""Fixtures every test area shares: an isolated environment and both database backends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import Settings, get_settings
from pipeline.llm.client import forget_learned
from pipeline.testing.postgres import PostgresCluster, find_postgres_binaries

# Fixtures that tests in several folders share: tiny models and speech, a Legistar server.
pytest_plugins = [
    "tests.support.media_fixtures",
    "tests.support.legistar_fixtures",
    "tests.support.llm_fixtures",
]

# Nothing may reach a model hub or phone home during tests.
os.environ.update(
    HF_HUB_OFFLINE="1",
    TRANSFORMERS_OFFLINE="1",
    PYANNOTE_METRICS_ENABLED="false",
    DO_NOT_TRACK="1",
    PREFECT_SERVER_ANALYTICS_ENABLED="false",
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own data folder and no HEARINGS_* variables or .env from outside."""
    for name in list(os.environ):
        if name.startswith("HEARINGS_"):
            monkeypatch.delenv(name)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("HEARINGS_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    forget_learned()  # a later test's fake LLM server may get the same port
    yield data_dir
    get_settings.cache_clear()


@pytest.fixture
def settings(isolated_settings: Path) -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public records and media in ../shared/data (see its README for licences)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    binaries = find_postgres_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    cluster = PostgresCluster(binaries)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database()
