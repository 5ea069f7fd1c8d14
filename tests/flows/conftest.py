"""Flow fixtures: one Prefect test server per session, a migrated database, the sample."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.config import Settings
from pipeline.sources.manual import manual_hearing
from pipeline.store.processing import ensure_manual_hearing
from tests.conftest import REPO_ROOT

SAMPLE_DIR = REPO_ROOT / "data" / "samples" / "landmarks-2024-10-01"
SAMPLE_NAME = "landmarks-2024-10-01"


# Prefect keeps its database and cached results in PREFECT_HOME, which it reads when first
# imported (collecting these tests imports it): never the user's ~/.prefect.
PREFECT_HOME = Path(tempfile.mkdtemp(prefix="hearings-prefect-home-"))
os.environ["PREFECT_HOME"] = str(PREFECT_HOME)


@pytest.fixture(scope="session", autouse=True)
def prefect_home() -> Iterator[Path]:
    yield PREFECT_HOME
    shutil.rmtree(PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_api_url(prefect_home: Path) -> Iterator[str]:
    """A real Prefect server shared by the session (≈10 s to start); its API address."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@pytest.fixture
def factory(settings: Settings) -> sessionmaker[Session]:
    """The database the flows use (SQLite under the test's data folder), migrated."""
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    return make_session_factory(engine)


@pytest.fixture
def sample_media(tmp_path: Path) -> Path:
    """A private copy of the bundled sample (media and captions side by side)."""
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, folder)
    return folder / f"{SAMPLE_NAME}.mp4"


@pytest.fixture
def sample_slug(factory: sessionmaker[Session], sample_media: Path) -> str:
    manual = manual_hearing(str(sample_media), "Sample hearing")
    with transaction(factory) as session:
        return ensure_manual_hearing(session, manual).slug
