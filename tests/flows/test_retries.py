"""Retries live in one layer: a failing download costs the configured tries, no more.

Issue 13's "refused local URL" once cost 7.5 minutes ("failed after 6 tries", then Prefect
tried the whole stage three more times): now the client's tries are all there is.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from flows.process_hearing import process_hearing
from models import Hearing, StageRun
from models.db import transaction
from pipeline.acquire import DownloadFailedError
from pipeline.config import get_settings
from pipeline.sources.manual import manual_hearing
from pipeline.store.processing import ensure_manual_hearing
from tests.support.media_server import MediaServer, Route, serve

pytestmark = pytest.mark.usefixtures("prefect_api_url")
ATTEMPTS = 3


@pytest.fixture
def few_quick_tries(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARINGS_NETWORK__ATTEMPTS", str(ATTEMPTS))
    monkeypatch.setenv("HEARINGS_NETWORK__BACKOFF_SECONDS", "0")
    get_settings.cache_clear()


@pytest.fixture
def media_server() -> Iterator[MediaServer]:
    with serve() as server:
        yield server


def hearing_for(factory: sessionmaker[Session], url: str) -> str:
    with transaction(factory) as session:
        return ensure_manual_hearing(session, manual_hearing(url, "Unreachable")).slug


def acquire_runs(factory: sessionmaker[Session]) -> list[tuple[str, str | None]]:
    with factory() as session:
        runs = session.scalars(select(StageRun).where(StageRun.stage == "acquire"))
        return [(run.status, run.error) for run in runs]


@pytest.mark.usefixtures("few_quick_tries")
def test_a_failing_download_is_tried_the_configured_number_of_times_in_all(
    factory: sessionmaker[Session], media_server: MediaServer
) -> None:
    media_server.routes["/meeting.mp4"] = Route(b"down", "text/plain", status=503)
    slug = hearing_for(factory, media_server.url("/meeting.mp4"))

    with pytest.raises(DownloadFailedError, match=f"after {ATTEMPTS} tries"):
        process_hearing(slug)

    assert media_server.count("/meeting.mp4") == ATTEMPTS
    assert [status for status, _ in acquire_runs(factory)] == ["failed"]


@pytest.mark.usefixtures("few_quick_tries")
def test_a_refused_local_url_fails_after_the_configured_tries_in_one_stage_run(
    factory: sessionmaker[Session],
) -> None:
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    slug = hearing_for(factory, f"http://127.0.0.1:{port}/meeting.mp4")

    with pytest.raises(DownloadFailedError, match=f"failed after {ATTEMPTS} tries"):
        process_hearing(slug)

    ((status, error),) = acquire_runs(factory)
    assert status == "failed" and f"after {ATTEMPTS} tries" in (error or "")
    with factory() as session:
        assert session.scalar(select(Hearing.status).where(Hearing.slug == slug)) == "failed"
