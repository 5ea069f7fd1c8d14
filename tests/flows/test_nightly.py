"""`nightly` and `backfill` against a loopback Legistar API and video host."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from flows.backfill import backfill
from flows.nightly import nightly
from models import Chapter, Hearing, Speaker, StageRun, TranscriptLine
from pipeline.config import get_settings
from pipeline.stages import Stage
from tests.flows.conftest import SAMPLE_DIR, SAMPLE_NAME
from tests.support.legistar_server import LegistarData, LegistarServer

pytestmark = pytest.mark.usefixtures("prefect_api_url")

FIXTURES = Path(__file__).parents[1] / "data" / "legistar"
EVENTS = (21125, 21126, 21127)  # three October 2024 meetings with video
BROKEN_VIDEO = "NYCC-PV-CH-COM_241008-121147"  # event 21127: its "video" is not media
TABLES = (Hearing, TranscriptLine, Speaker, Chapter, StageRun)


class _VideoHost(BaseHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        if name.endswith(".vtt"):
            body, kind = (SAMPLE_DIR / f"{SAMPLE_NAME}.vtt").read_bytes(), "text/vtt"
        elif name.startswith(BROKEN_VIDEO):
            body, kind = b"this is not a video" * 100, "video/mp4"
        else:
            body, kind = (SAMPLE_DIR / f"{SAMPLE_NAME}.mp4").read_bytes(), "video/mp4"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def video_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _VideoHost)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/media"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def legistar(monkeypatch: pytest.MonkeyPatch) -> Iterator[LegistarServer]:
    data = LegistarData.load(FIXTURES)
    data.events = [copy.deepcopy(e) for e in data.events if e["EventId"] in EVENTS]
    with LegistarServer(data) as server:
        monkeypatch.setenv("HEARINGS_LEGISTAR__BASE_URL", server.api_base)
        monkeypatch.setenv("HEARINGS_LEGISTAR__TOKEN", server.state.token)
        get_settings.cache_clear()
        yield server


def counts(factory: sessionmaker[Session]) -> list[int]:
    with factory() as session:
        return [session.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES]


def statuses(factory: sessionmaker[Session]) -> dict[int, str]:
    with factory() as session:
        return dict(session.execute(select(Hearing.legistar_event_id, Hearing.status)).all())


def test_one_failing_hearing_does_not_stop_the_others(factory, legistar, video_host) -> None:
    summary = nightly(since=date(2024, 10, 1), viebit_media_base=video_host)

    assert statuses(factory) == {21125: "draft", 21126: "draft", 21127: "failed"}
    assert summary.counts["draft"] == 2 and summary.counts["failed"] == 1
    assert summary.describe().startswith("processed 2, skipped 0, waiting for video 0, failed 1")
    with factory() as session:
        failed = session.scalar(select(Hearing).where(Hearing.legistar_event_id == 21127))
        assert failed.error and failed.lines == []


def test_nightly_twice_duplicates_nothing(factory, legistar, video_host) -> None:
    legistar.state.data.events = [e for e in legistar.state.data.events if e["EventId"] != 21127]
    nightly(since=date(2024, 10, 1), viebit_media_base=video_host)
    first = counts(factory)

    summary = nightly(viebit_media_base=video_host)  # resumes from the discovery mark

    assert counts(factory) == first
    assert first[:2] == [2, 18]  # two hearings of nine lines each
    assert summary.reports == []  # nothing new, nothing unfinished
    assert statuses(factory) == {21125: "draft", 21126: "draft"}


def test_backfill_by_dates_then_by_event_and_file(factory, legistar, video_host, sample_media):
    by_dates = backfill(
        since=date(2024, 10, 8), until=date(2024, 10, 8), viebit_media_base=video_host
    )

    assert statuses(factory) == {21126: "draft", 21127: "failed"}  # 21125 was held on 10-01
    assert sorted(report.status for report in by_dates.reports) == ["draft", "failed"]

    summary = backfill(event_ids=[21126], sources=[str(sample_media)], from_stage=Stage.CHAPTER)

    assert sorted(report.status for report in summary.reports) == ["draft", "draft"]
    by_slug = {report.slug: report for report in summary.reports}
    event_report = next(r for slug, r in by_slug.items() if slug.startswith("2024-10-08"))
    ran = [o.stage for o in event_report.stages if not o.skipped]
    assert ran == [Stage.CHAPTER, Stage.STORE]  # forced; everything before was fresh
